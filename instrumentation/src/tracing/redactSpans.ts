/**
 * Redaction of spans on their way out. Ended spans are read-only, so a span whose attributes or
 * event attributes need masking is exported as a view over the original with the masked copies;
 * the common span, with nothing to mask, is passed through without allocating.
 */
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Redactor } from '../redaction/createRedactor.ts';
import type { SpanTransform } from './BoundedBatchSpanProcessor.ts';

/** A {@link SpanTransform} that masks secrets in span and event attributes. */
export function createSpanRedaction(redactor: Redactor): SpanTransform {
  return (span) => {
    const attributes = redactor.redactAttributes(span.attributes);
    let events: TimedEvent[] | undefined;
    span.events.forEach((event, index) => {
      if (event.attributes === undefined) return;
      const masked = redactor.redactAttributes(event.attributes);
      if (masked === event.attributes) return;
      events ??= [...span.events];
      events[index] = { ...event, attributes: masked };
    });
    if (attributes === span.attributes && events === undefined) return span;
    return Object.create(span, {
      attributes: { value: attributes, enumerable: true },
      events: { value: events ?? span.events, enumerable: true },
    }) as ReadableSpan;
  };
}
