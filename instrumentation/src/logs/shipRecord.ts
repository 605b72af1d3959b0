/**
 * Shipping a logger's records to Elasticsearch as ECS documents, for every logger Faultline
 * knows: winston's records through its transport, pino's and bunyan's from the hooks that mask
 * and correlate them. Each library's record is first put in the shape of a winston `info`
 * (`level` name, `message`, `timestamp`, ECS span ids, the app's fields), so one conversion
 * ({@link toEcsRecord}) writes every document. Shipping never throws into the app's log call.
 */
import { format } from 'node:util';
import { logFields } from '../catalogue/index.ts';
import type { ServiceIdentity } from '../config/types.ts';
import type { Redactor } from '../redaction/createRedactor.ts';
import type { ElasticsearchShipper } from './ElasticsearchShipper.ts';
import { toEcsRecord } from './ecsFormat.ts';
import { OTEL_LOG_FIELDS, addSpanIds } from './recordFields.ts';

/** Where a logger's records are shipped, and how they are described and masked. */
export interface LogShipping {
  readonly shipper: ElasticsearchShipper;
  readonly service: ServiceIdentity;
  readonly redactor: Redactor;
}

/** The level names pino and bunyan share by default. */
const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Converts `info` (winston's shape) and hands it to the shipper; a record that cannot be converted is skipped. */
export function shipRecord(shipping: LogShipping, info: object): void {
  try {
    shipping.shipper.enqueue(toEcsRecord(info, shipping.service, shipping.redactor));
  } catch {
    // A record that cannot be converted is not worth failing the app's log call.
  }
}

/** Fields bunyan sets on every record, read into the info's own fields instead. */
const BUNYAN_OWN = new Set(['v', 'level', 'name', 'hostname', 'pid', 'time', 'msg', 'src']);

/** A bunyan record (masked and correlated) as a winston-shaped info. */
export function bunyanInfo(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (!BUNYAN_OWN.has(key)) info[key] = record[key];
  }
  moveSpanIds(info);
  info.level = LEVEL_NAMES[record.level as number] ?? String(record.level);
  info.message = record.msg;
  if (record.time instanceof Date) info.timestamp = record.time.toISOString();
  return info;
}

interface PinoLogger {
  levels?: { labels?: Record<number, string> };
  bindings?: () => Record<string, unknown>;
}

/**
 * A pino call (`logger.info(obj?, msg?, ...args)`, arguments already masked) as a winston-shaped
 * info: the logger's bindings, the merging object (an Error as `err`; fields with a serializer
 * serialized), the message formatted as pino formats it, and the active span's ids.
 */
export function pinoInfo(
  logger: PinoLogger,
  args: readonly unknown[],
  level: number,
  serializers: Readonly<Record<string, (value: unknown) => unknown>> = {},
): Record<string, unknown> {
  const [first, ...rest] = args;
  const object = first !== null && typeof first === 'object' ? first : undefined;
  const [message, ...interpolated] = object === undefined ? args : rest;
  const info: Record<string, unknown> = { ...logger.bindings?.() };
  if (object instanceof Error) info.err = object;
  else if (object !== undefined) {
    for (const key of Object.keys(object)) {
      const value = (object as Record<string, unknown>)[key];
      info[key] = key in serializers ? serializers[key]!(value) : value;
    }
  }
  info.level = logger.levels?.labels?.[level] ?? LEVEL_NAMES[level] ?? String(level);
  info.message =
    typeof message === 'string'
      ? interpolated.length > 0
        ? format(message, ...interpolated)
        : message
      : object instanceof Error
        ? object.message
        : '';
  addSpanIds(info, true);
  return info;
}

/** Renames `trace_id`/`span_id` (and drops `trace_flags`) to the ECS names the document uses. */
function moveSpanIds(info: Record<string, unknown>): void {
  if (info[OTEL_LOG_FIELDS.traceId] !== undefined) info[logFields.traceId] ??= info[OTEL_LOG_FIELDS.traceId];
  if (info[OTEL_LOG_FIELDS.spanId] !== undefined) info[logFields.spanId] ??= info[OTEL_LOG_FIELDS.spanId];
  delete info[OTEL_LOG_FIELDS.traceId];
  delete info[OTEL_LOG_FIELDS.spanId];
  delete info[OTEL_LOG_FIELDS.traceFlags];
}
