/**
 * A sampled span. It implements the OpenTelemetry API's `Span` with plain fields and nothing
 * else: no per-span processor chain, no copies of the resource or limits, no time arrays. When
 * it ends it is handed to the {@link SpanSink}, which encodes it for export at once, so the span
 * itself is garbage as soon as the request that made it is.
 */
import {
  SpanStatusCode,
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
import { now, toSpanClock } from './time.ts';

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
}

/** Receives every span that ends. */
export interface SpanSink {
  onEnd(span: RecordedSpan): void;
}

const RELEASED: Attributes = Object.freeze({});

/** Per-span limits (the OpenTelemetry defaults). */
export const SPAN_LIMITS = { attributes: 128, events: 128, links: 128 } as const;

/** Whether `value` is a valid attribute value (primitive, or array of one primitive type). */
export function isAttributeValue(value: unknown): value is AttributeValue {
  const type = typeof value;
  if (type === 'string' || type === 'boolean') return true;
  if (type === 'number') return true;
  if (!Array.isArray(value)) return false;
  let seen: string | undefined;
  for (const item of value as unknown[]) {
    if (item === null || item === undefined) continue;
    const itemType = typeof item;
    if (itemType !== 'string' && itemType !== 'number' && itemType !== 'boolean') return false;
    if (seen === undefined) seen = itemType;
    else if (seen !== itemType) return false;
  }
  return true;
}

/** A recording span; see the module comment. */
export class RecordedSpan implements Span {
  name: string;
  readonly kind: SpanKind;
  readonly scope: Scope;
  readonly parentSpanId: string;
  /** The parent came from another process (W3C flags bit). */
  readonly parentIsRemote: boolean;
  readonly startTime: number;
  endTime = -1;
  attributes: Attributes;
  attributeCount: number;
  droppedAttributes = 0;
  events: RecordedEvent[] | undefined;
  droppedEvents = 0;
  links: Link[] | undefined;
  droppedLinks = 0;
  statusCode: SpanStatusCode = SpanStatusCode.UNSET;
  statusMessage = '';
  readonly #context: SpanContext;
  readonly #sink: SpanSink;

  constructor(
    sink: SpanSink,
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
    this.scope = scope;
    this.#context = context;
    this.name = name;
    this.kind = kind;
    this.parentSpanId = parent?.spanId ?? '';
    this.parentIsRemote = parent?.isRemote === true;
    this.startTime = startTime === undefined ? now() : toSpanClock(startTime);
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
    if (!(key in this.attributes)) {
      if (this.attributeCount >= SPAN_LIMITS.attributes) {
        this.droppedAttributes++;
        return this;
      }
      this.attributeCount++;
    }
    this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endTime >= 0) return this;
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrTime)) time = attributesOrTime;
    else attributes = attributesOrTime;
    this.events ??= [];
    if (this.events.length >= SPAN_LIMITS.events) {
      this.droppedEvents++;
      return this;
    }
    this.events.push({ name, time: toSpanClock(time), attributes: validAttributes(attributes) });
    return this;
  }

  addLink(link: Link): this {
    if (this.endTime >= 0) return this;
    this.links ??= [];
    if (this.links.length >= SPAN_LIMITS.links) this.droppedLinks++;
    else this.links.push(link);
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
    const end = endTime === undefined ? now() : toSpanClock(endTime);
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

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception !== null && typeof exception === 'object') {
      const type = exception.name ?? (exception.code === undefined ? undefined : String(exception.code));
      if (type !== undefined) attributes['exception.type'] = type;
      if (exception.message !== undefined) attributes['exception.message'] = exception.message;
      if (exception.stack !== undefined) attributes['exception.stacktrace'] = exception.stack;
    }
    this.addEvent('exception', attributes, time);
  }
}

function isTimeInput(value: unknown): value is TimeInput {
  return (
    typeof value === 'number' ||
    value instanceof Date ||
    (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number')
  );
}

function validAttributes(attributes: Attributes | undefined): Attributes | undefined {
  if (attributes === undefined) return undefined;
  let valid: Attributes | undefined;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null || !isAttributeValue(value)) continue;
    (valid ??= {})[key] = value;
  }
  return valid;
}
