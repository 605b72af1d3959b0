/**
 * What the NATS and MQTT instrumentations share: a PRODUCER span per publish whose context
 * (and the publish time) is written into the message's headers or user properties with the
 * global propagator, and a CONSUMER span per delivery, child of the context the message
 * carries, active while the app's handler runs; the catalogue's sent and consumed counters and
 * the consumer lag. Subjects and topics often carry ids (`devices/4711/telemetry`): span names
 * and metric labels use the destination with id-like segments replaced by the system's
 * single-level wildcard (`devices/+/telemetry`), and the span keeps the real name.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  propagation,
  trace,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { observeHistogram } from '../metrics/observeHistogram.ts';
import { getRuntime } from '../runtime.ts';
import { ATTR, OPERATION_NAME, OPERATION_TYPE, PUBLISHED_AT_HEADER } from './semconv.ts';
import { consumerLagSeconds } from './utils.ts';

/** A publish/subscribe system: its `messaging.system` and how its destinations are written. */
export interface PubSubSystem {
  readonly system: 'nats' | 'mqtt';
  readonly separator: '.' | '/';
  /** The single-level wildcard that stands for an id-like segment. */
  readonly wildcard: '*' | '+';
}

/** Attribute for the destination's template, as the semantic conventions name it. */
const DESTINATION_TEMPLATE = 'messaging.destination.template';

function looksLikeId(segment: string): boolean {
  return (
    /\d/.test(segment) && (/^\d+$/.test(segment) || /^[0-9a-f-]{8,}$/i.test(segment) || segment.length > 24)
  );
}

/** `destination` with id-like segments replaced by the system's wildcard (pure). */
export function destinationTemplate(system: PubSubSystem, destination: string): string {
  return destination
    .split(system.separator)
    .map((segment) => (looksLikeId(segment) ? system.wildcard : segment))
    .join(system.separator);
}

function quietly(report: () => void): void {
  try {
    report();
  } catch {
    // Reporting never fails the app's publish or handler.
  }
}

/**
 * Starts the PRODUCER span of a publish to `destination` and returns it with the headers to
 * send (trace context and publish time), for the caller to merge into the message.
 */
export function startPublish(
  tracer: Tracer,
  system: PubSubSystem,
  destination: string,
): { readonly span: Span; readonly headers: Record<string, string> } {
  const template = destinationTemplate(system, destination);
  const span = tracer.startSpan(`${OPERATION_NAME.publish} ${template}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      [ATTR.system]: system.system,
      [ATTR.destinationName]: destination,
      [DESTINATION_TEMPLATE]: template,
      [ATTR.operationType]: OPERATION_TYPE.send,
      [ATTR.operationName]: OPERATION_NAME.publish,
    },
  });
  const headers: Record<string, string> = { [PUBLISHED_AT_HEADER]: String(Date.now()) };
  propagation.inject(trace.setSpan(context.active(), span), headers);
  quietly(() =>
    getRuntime()
      .metrics.counter('messagingSent')
      .inc({ messaging_system: system.system, messaging_destination_name: template }),
  );
  return { span, headers };
}

/**
 * Runs `handler` for a message delivered from `destination` inside a CONSUMER span whose parent
 * is the context in `carrier` (read with `getter`); counts it consumed and observes its lag.
 */
export function processDelivery<C, T>(
  tracer: Tracer,
  system: PubSubSystem,
  destination: string,
  carrier: C,
  getter: TextMapGetter<C>,
  handler: () => T,
): T {
  const template = destinationTemplate(system, destination);
  const parent = propagation.extract(ROOT_CONTEXT, carrier, getter);
  const span = tracer.startSpan(
    `${OPERATION_NAME.process} ${template}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [ATTR.system]: system.system,
        [ATTR.destinationName]: destination,
        [DESTINATION_TEMPLATE]: template,
        [ATTR.operationType]: OPERATION_TYPE.process,
        [ATTR.operationName]: OPERATION_NAME.process,
      },
    },
    parent,
  );
  const active = trace.setSpan(parent, span);
  quietly(() => {
    const { metrics } = getRuntime();
    const labels = { messaging_system: system.system, messaging_destination_name: template };
    metrics.counter('messagingConsumed').inc(labels);
    const stamp = getter.get(carrier, PUBLISHED_AT_HEADER);
    const publishedAt = Number(Array.isArray(stamp) ? stamp[0] : stamp);
    const lag = Number.isFinite(publishedAt)
      ? consumerLagSeconds({ [PUBLISHED_AT_HEADER]: publishedAt }, undefined, Date.now())
      : undefined;
    if (lag !== undefined) {
      context.with(active, () => observeHistogram(metrics.histogram('messagingLag'), labels, lag));
    }
  });
  try {
    return context.with(active, handler);
  } finally {
    span.end();
  }
}
