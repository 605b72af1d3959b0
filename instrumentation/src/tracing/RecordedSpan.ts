/**
 * A sampled span. It implements the OpenTelemetry API's `Span` with plain fields and nothing
 * else: no per-span processor chain, no copies of the resource or limits, no time arrays. When
 * it ends it is handed to the {@link SpanSink}, which encodes it for export at once, so the span
 * itself is garbage as soon as the request that made it is.
 */
import {
  SpanStatusCode,
  isSpanContextValid,
  type Attributes,
  type AttributeValue,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import type { SpanLimits } from '../config/types.ts';
import { isAttributeValue, limitAttributes, truncateValue } from './attributeLimits.ts';
import { clockDrift, now, toSpanClock } from './time.ts';

export { isAttributeValue } from './attributeLimits.ts';

/** The instrumentation scope a tracer stands for. */
export interface Scope {
  readonly name: string;
  readonly version: string;
  readonly schemaUrl: string;
}

/** A span event as recorded. */
export interface RecordedEvent {
  readonly name: string;
  readonly time: number;
  readonly attributes: Attributes | undefined;
  /** Attributes beyond the per-event limit. */
  readonly droppedAttributes: number;
}

/** A span link as recorded: its attributes already limited. */
export interface RecordedLink {
  readonly context: SpanContext;
  readonly attributes: Attributes | undefined;
  /** Attributes beyond the per-link limit. */
  readonly droppedAttributes: number;
}

/** Receives every span that ends. */
export interface SpanSink {
  onEnd(span: RecordedSpan): void;
}

const RELEASED: Attributes = Object.freeze({});

/** A recording span; see the module comment. */
export class RecordedSpan implements Span {
  name: string;
  readonly kind: SpanKind;
  readonly scope: Scope;
  readonly parentSpanId: string;
  /** The parent came from another process (W3C flags bit). */
  readonly parentIsRemote: boolean;
  readonly startTime: number;
  /** Wall-clock anchor of this span's times ({@link clockDrift} when it started). */
  readonly clockDrift: number;
  endTime = -1;
  attributes: Attributes;
  attributeCount: number;
  droppedAttributes = 0;
  events: RecordedEvent[] | undefined;
  droppedEvents = 0;
  links: RecordedLink[] | undefined;
  droppedLinks = 0;
  statusCode: SpanStatusCode = SpanStatusCode.UNSET;
  statusMessage = '';
  readonly #context: SpanContext;
  readonly #sink: SpanSink;
  readonly #limits: SpanLimits;

  constructor(
    sink: SpanSink,
    limits: SpanLimits,
    scope: Scope,
    context: SpanContext,
    name: string,
    kind: SpanKind,
    parent: SpanContext | undefined,
    startTime: TimeInput | undefined,
    ownedAttributes?: { readonly attributes: Attributes; readonly count: number },
  ) {
    this.attributes = ownedAttributes?.attributes ?? {};
    this.attributeCount = ownedAttributes?.count ?? 0;
    this.#sink = sink;
    this.#limits = limits;
    if (ownedAttributes !== undefined && limits.attributeValueLength !== Number.POSITIVE_INFINITY) {
      for (const key in this.attributes) {
        this.attributes[key] = truncateValue(this.attributes[key]!, limits.attributeValueLength);
      }
    }
    this.scope = scope;
    this.#context = context;
    this.name = name;
    this.kind = kind;
    this.parentSpanId = parent?.spanId ?? '';
    this.parentIsRemote = parent?.isRemote === true;
    this.clockDrift = clockDrift();
    this.startTime = startTime === undefined ? now() : toSpanClock(startTime, this.clockDrift);
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  get ended(): boolean {
    return this.endTime >= 0;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.endTime >= 0 || key.length === 0 || value === undefined || value === null) return this;
    if (!isAttributeValue(value)) return this;
    if (!Object.prototype.hasOwnProperty.call(this.attributes, key)) {
      if (this.attributeCount >= this.#limits.attributeCount) {
        this.droppedAttributes++;
        return this;
      }
      this.attributeCount++;
    }
    const maxLength = this.#limits.attributeValueLength;
    this.attributes[key] = maxLength === Number.POSITIVE_INFINITY ? value : truncateValue(value, maxLength);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  /** Records an event; past the event limit the oldest event is dropped, as in the SDK. */
  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endTime >= 0) return this;
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrTime)) time = isTimeInput(time) ? time : attributesOrTime;
    else attributes = attributesOrTime;
    const limits = this.#limits;
    this.events ??= [];
    if (this.events.length >= limits.eventCount) {
      this.droppedEvents++;
      if (limits.eventCount === 0) return this;
      this.events.shift();
    }
    const limited = limitAttributes(attributes, limits.attributePerEventCount, limits.attributeValueLength);
    this.events.push({
      name,
      time: toSpanClock(time, this.clockDrift),
      attributes: limited.attributes,
      droppedAttributes: limited.dropped,
    });
    return this;
  }

  /**
   * Records a link; past the link limit the oldest link is dropped, as in the SDK. A link to an
   * invalid span context (an id that is not 32 or 16 hex digits, or all zeros) is dropped and
   * counted: the SDK would send its malformed bytes, and a backend refuses the whole batch.
   */
  addLink(link: Link): this {
    if (this.endTime >= 0) return this;
    const limits = this.#limits;
    if (!isSpanContextValid(link.context) || limits.linkCount === 0) {
      this.droppedLinks++;
      return this;
    }
    this.links ??= [];
    if (this.links.length >= limits.linkCount) {
      this.links.shift();
      this.droppedLinks++;
    }
    const limited = limitAttributes(
      link.attributes,
      limits.attributePerLinkCount,
      limits.attributeValueLength,
    );
    this.links.push({
      context: link.context,
      attributes: limited.attributes,
      droppedAttributes: limited.dropped,
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endTime >= 0 || status.code === SpanStatusCode.UNSET) return this;
    // OK is final; an error keeps its description.
    if (this.statusCode === SpanStatusCode.OK) return this;
    this.statusCode = status.code;
    this.statusMessage = status.code === SpanStatusCode.ERROR ? (status.message ?? '') : '';
    return this;
  }

  updateName(name: string): this {
    if (this.endTime < 0) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endTime >= 0) return;
    const end = endTime === undefined ? now() : toSpanClock(endTime, this.clockDrift);
    this.endTime = end < this.startTime ? this.startTime : end;
    this.#sink.onEnd(this);
  }

  /**
   * Drops what was recorded once it is encoded. An ended span can stay reachable for a while (a
   * keep-alive socket's timer captures the request's context until the connection's next
   * request), and what it recorded is no use to anyone after export.
   */
  release(): void {
    this.attributes = RELEASED;
    this.events = undefined;
    this.links = undefined;
  }

  isRecording(): boolean {
    return this.endTime < 0;
  }

  /** An `exception` event, with the attributes the SDK derives (`code` before `name` as type). */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception !== null && typeof exception === 'object') {
      if (exception.code) attributes['exception.type'] = String(exception.code);
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) {
      this.addEvent('exception', attributes, time);
    }
  }
}

function isTimeInput(value: unknown): value is TimeInput {
  return (
    typeof value === 'number' ||
    value instanceof Date ||
    (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number')
  );
}
