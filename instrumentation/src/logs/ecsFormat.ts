/**
 * Winston records as Elastic Common Schema documents: the record the Elasticsearch transport
 * ships, and a winston format (`ecsFormat()`) that prints the same JSON to any transport, so an
 * app's console and Elasticsearch show identical lines.
 *
 * The fields Faultline sets use flat dotted names (`log.level`, `trace.id`), like its own log
 * lines. The app's metadata is kept, masked by the redactor; a metadata key that would collide
 * with one of those fields (a `service` string, a `host` object, winston's exception `process`
 * and `trace` details) is kept under `faultline.meta` instead, so the document never conflicts
 * with the ECS mapping and nothing is silently lost. Winston's internal symbols are left out.
 */
import { hostname } from 'node:os';
import { format, type Format } from 'logform';
import { LEVEL, MESSAGE } from 'triple-beam';
import { ECS_VERSION, logFields } from '../catalogue/index.ts';
import type { ServiceIdentity } from '../config/types.ts';
import { createRedactor, type Redactor } from '../redaction/createRedactor.ts';
import { getRuntime } from '../runtime.ts';
import { errorFields, extraErrorFields, findError } from './ecs/errorFields.ts';

/** Where metadata that would collide with an ECS field set here is kept. */
export const RELOCATED_META_FIELD = 'faultline.meta';

/** Top-level names owned by the fields this format sets; metadata under them is relocated. */
const RESERVED_ROOTS = new Set([
  '@timestamp',
  'message',
  'log',
  'ecs',
  'service',
  'trace',
  'span',
  'host',
  'process',
  'error',
]);

/** Info keys the format turns into ECS fields itself. */
const CONSUMED = new Set(['level', 'message', logFields.traceId, logFields.spanId, logFields.serviceName]);

let cachedHostname: string | undefined;
function hostName(): string {
  cachedHostname ??= hostname();
  return cachedHostname;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function levelOf(info: Readonly<Record<string | symbol, unknown>>): string {
  const level = info[LEVEL] ?? info.level;
  return typeof level === 'string' ? level.replace(ANSI, '') : String(level);
}

function timestampOf(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return undefined;
  const date = value instanceof Date ? value : new Date(value as string | number);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function messageOf(message: unknown, redactor: Redactor): string {
  if (message instanceof Error) return redactor.redactString(message.message);
  if (typeof message === 'string') return redactor.redactString(message);
  if (message === undefined || message === null) return '';
  if (typeof message === 'object') return JSON.stringify(redactor.redact(message)) ?? '';
  return redactor.redactString(String(message));
}

function rootOf(key: string): string {
  const dot = key.indexOf('.');
  return dot === -1 ? key : key.slice(0, dot);
}

/** The fields every ECS record starts with, keyed by the catalogue's names. */
interface EcsHead {
  [logFields.timestamp]: string;
  [logFields.level]: string;
  [logFields.message]: unknown;
  [logFields.ecsVersion]: string;
  [logFields.serviceName]: string;
}

/**
 * The ECS document for one winston `info`: `@timestamp` (from `info.timestamp` when it parses,
 * else now), `log.level`, `message`, `ecs.version`, `service.*`, `host.hostname`,
 * `process.pid`, `trace.id`/`span.id` when correlation put them on the info, `error.*` for an
 * Error in the info or its metadata, and every other metadata field, masked. Does not modify
 * `info`; throws only if the redactor does (it does not).
 */
export function toEcsRecord(
  info: object,
  service: ServiceIdentity,
  redactor: Redactor,
): Record<string, unknown> {
  const fields = info as Readonly<Record<string | symbol, unknown>>;
  const found = findError(fields as Readonly<Record<string, unknown>>, info instanceof Error);
  const timestamp = timestampOf(fields.timestamp);
  // Literal keys (built from one boilerplate, where computed keys take a runtime call each),
  // checked against the catalogue's names by the type.
  const record: EcsHead & Record<string, unknown> = {
    '@timestamp': timestamp ?? new Date().toISOString(),
    'log.level': levelOf(fields),
    message: messageOf(fields.message, redactor),
    'ecs.version': ECS_VERSION,
    'service.name': service.name,
  };
  if (service.version !== undefined) record[logFields.serviceVersion] = service.version;
  record[logFields.serviceInstanceId] = service.instanceId;
  if (service.environment !== undefined) record[logFields.serviceEnvironment] = service.environment;
  record[logFields.hostName] = hostName();
  record[logFields.processPid] = process.pid;
  for (const key of [logFields.traceId, logFields.spanId]) {
    if (typeof fields[key] === 'string') record[key] = fields[key];
  }
  Object.assign(record, errorFields(found, redactor));

  const meta: Record<string, unknown> = {};
  const relocated: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    if (CONSUMED.has(key) || (key === 'timestamp' && timestamp !== undefined)) continue;
    if (key === 'stack' && (found.error !== undefined || found.stack !== undefined)) continue;
    let value = fields[key];
    if (key === found.key && found.error !== undefined) {
      value = extraErrorFields(found.error);
      if (value === undefined) continue;
    }
    (RESERVED_ROOTS.has(rootOf(key)) ? relocated : meta)[key] = value;
  }
  if (found.key === undefined && found.error !== undefined && found.error !== info) {
    const extra = extraErrorFields(found.error);
    if (extra !== undefined) relocated.error = extra;
  }
  Object.assign(record, redactor.redact(meta));
  if (Object.keys(relocated).length > 0) record[RELOCATED_META_FIELD] = redactor.redact(relocated);
  return record;
}

/** Options of {@link ecsFormat}. */
export interface EcsFormatOptions {
  /** The service the records describe (default: the configured service of this process). */
  readonly service?: ServiceIdentity;
  /** The redactor (default: one for `FAULTLINE_REDACT_KEYS`). */
  readonly redactor?: Redactor;
}

/**
 * A winston (logform) format writing the ECS JSON of each record to `info[MESSAGE]`, for any
 * transport: `createLogger({ format: ecsFormat(), transports: [new transports.Console()] })`.
 * Put it last in a `format.combine(...)`. Defaults are read from the Faultline runtime on the
 * first record, so it works with or without `start()`.
 */
export function ecsFormat(options: EcsFormatOptions = {}): Format {
  let resolved: { service: ServiceIdentity; redactor: Redactor } | undefined;
  const resolve = () => {
    if (resolved !== undefined) return resolved;
    const config =
      options.service === undefined || options.redactor === undefined ? getRuntime().config : undefined;
    resolved = {
      service: options.service ?? (config as NonNullable<typeof config>).service,
      redactor: options.redactor ?? createRedactor({ extraKeys: config?.redactKeys ?? [] }),
    };
    return resolved;
  };
  return format((info) => {
    const { service, redactor } = resolve();
    (info as Record<symbol, unknown>)[MESSAGE] = JSON.stringify(toEcsRecord(info, service, redactor));
    return info;
  })();
}
