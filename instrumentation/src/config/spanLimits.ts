/**
 * Span limits, read from the variables the OpenTelemetry SDK environment specification names.
 * A span-specific variable wins over the general one (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT` over
 * `OTEL_ATTRIBUTE_COUNT_LIMIT`); a bad value is reported and the default used, as for every other
 * variable. The per-event and per-link attribute limits are read under the specification's names
 * and, failing those, under the names the JavaScript SDK reads instead
 * (`OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT`, `OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT`), so an
 * app configured for either behaves the same.
 */
import { integer, type EnvReader } from './readers.ts';
import type { SpanLimits } from './types.ts';

/** The specification's defaults: 128 of everything, attribute values not truncated. */
export const DEFAULT_SPAN_LIMITS: SpanLimits = {
  attributeCount: 128,
  attributeValueLength: Number.POSITIVE_INFINITY,
  eventCount: 128,
  linkCount: 128,
  attributePerEventCount: 128,
  attributePerLinkCount: 128,
};

const COUNT = integer(0, 1_000_000_000);
const ACCEPTED = 'a whole number from 0 to 1000000000';

function readLimit(reader: EnvReader, names: readonly string[], fallback: number): number {
  let value = fallback;
  // The last name is the most general: read from general to specific so the specific one wins.
  for (const name of [...names].reverse()) value = reader.readOrDefault(name, COUNT, value, ACCEPTED);
  return value;
}

/** The span limits the environment sets. */
export function parseSpanLimits(reader: EnvReader): SpanLimits {
  const d = DEFAULT_SPAN_LIMITS;
  return {
    attributeCount: readLimit(
      reader,
      ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'],
      d.attributeCount,
    ),
    attributeValueLength: readLimit(
      reader,
      ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'],
      d.attributeValueLength,
    ),
    eventCount: readLimit(reader, ['OTEL_SPAN_EVENT_COUNT_LIMIT'], d.eventCount),
    linkCount: readLimit(reader, ['OTEL_SPAN_LINK_COUNT_LIMIT'], d.linkCount),
    attributePerEventCount: readLimit(
      reader,
      ['OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', 'OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT'],
      d.attributePerEventCount,
    ),
    attributePerLinkCount: readLimit(
      reader,
      ['OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', 'OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT'],
      d.attributePerLinkCount,
    ),
  };
}
