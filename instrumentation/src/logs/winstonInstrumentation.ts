/**
 * Log correlation and shipping for winston 3 without touching the app's code. It patches
 * winston's internal `lib/winston/logger.js` when it is loaded, which covers every logger
 * (`createLogger`, `new Logger`, containers, children and the default `winston.info(...)`
 * logger, which winston creates while loading). Winston loads that file with `require` even
 * when the app imports winston from ESM, so require-in-the-middle sees it either way; the
 * instrumentation must be enabled before winston is first loaded.
 *
 * - `Logger.prototype.write` (every record passes through it, before formats) gets `trace.id`,
 *   `span.id` and `service.name` of the active span, when there is a valid one. Fields the app
 *   set itself are kept. Outside a span it costs one `getActiveSpan()` and allocates nothing.
 * - `Logger.prototype.configure` (the constructor calls it; it resets transports) gets one
 *   {@link ElasticsearchTransport} for the shipper added after it, unless the logger already
 *   ships to that shipper.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { logFields } from '../catalogue/index.ts';
import type { ServiceIdentity } from '../config/types.ts';
import type { Redactor } from '../redaction/createRedactor.ts';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import type { ElasticsearchShipper } from './ElasticsearchShipper.ts';
import { ElasticsearchTransport } from './ElasticsearchTransport.ts';
import { activeSpanContext, maskingChangedNothing } from './recordFields.ts';

/** Options of the {@link WinstonInstrumentation}. */
export interface WinstonInstrumentationOptions {
  /** Add `trace.id`, `span.id` and `service.name` to records written inside a span. */
  readonly correlation: boolean;
  readonly service: ServiceIdentity;
  /** When given, every logger also ships its records here. */
  readonly shipper?: ElasticsearchShipper;
  readonly redactor: Redactor;
}

/** The versions of winston whose internals this instrumentation knows. */
export const SUPPORTED_WINSTON_VERSIONS = ['>=3.0.0 <4'];

type Write = (this: unknown, chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
type Configure = (this: WinstonLogger, options?: unknown) => unknown;

interface WinstonLogger {
  readonly transports: readonly unknown[];
  add(transport: unknown): unknown;
}

interface WinstonLoggerClass {
  readonly prototype: { write: Write; configure: Configure };
}

/** Patches winston 3 loggers for correlation and Elasticsearch shipping (see the module comment). */
export class WinstonInstrumentation extends InstrumentationBase {
  readonly #options: WinstonInstrumentationOptions;

  /** Creates and enables the instrumentation: winston loaded from now on is patched. */
  constructor(options: WinstonInstrumentationOptions) {
    // Enabled below, once the options are stored: patches must never run without them.
    super(`${INSTRUMENTATION_SCOPE.name}/winston`, INSTRUMENTATION_SCOPE.version, { enabled: false });
    this.#options = options;
    this.enable();
    this.setConfig({ ...this.getConfig(), enabled: true });
  }

  protected override init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      'winston',
      SUPPORTED_WINSTON_VERSIONS,
      undefined,
      undefined,
      [
        new InstrumentationNodeModuleFile(
          'winston/lib/winston/logger.js',
          SUPPORTED_WINSTON_VERSIONS,
          (Logger: WinstonLoggerClass) => this.#patch(Logger),
          (Logger?: WinstonLoggerClass) => this.#unpatch(Logger),
        ),
      ],
    );
  }

  #patch(Logger: WinstonLoggerClass): WinstonLoggerClass {
    const { correlation, service, redactor } = this.#options;
    this._wrap(Logger.prototype, 'write', (original) =>
      recordWrite(original, correlation ? service.name : undefined, redactor),
    );
    if (this.#options.shipper !== undefined) {
      const attach = (logger: WinstonLogger) => this.#attachTransport(logger);
      this._wrap(
        Logger.prototype,
        'configure',
        (original) =>
          function configureAndShip(this: WinstonLogger, options?: unknown) {
            const result = original.call(this, options);
            attach(this);
            return result;
          },
      );
    }
    return Logger;
  }

  #unpatch(Logger: WinstonLoggerClass | undefined): void {
    if (Logger === undefined) return;
    this._unwrap(Logger.prototype, 'write');
    this._unwrap(Logger.prototype, 'configure');
  }

  #attachTransport(logger: WinstonLogger): void {
    const { shipper, service, redactor } = this.#options;
    if (shipper === undefined) return;
    try {
      if (logger.transports.some((transport) => (transport as { shipper?: unknown }).shipper === shipper))
        return;
      logger.add(new ElasticsearchTransport({ shipper, service, redactor }));
    } catch (error) {
      this._diag.warn('could not add the Elasticsearch transport to a winston logger', error);
    }
  }
}

/**
 * `write` that masks secrets in the record's own fields (before any of the app's formats or
 * transports see it, so no destination prints them) and, when `serviceName` is given, puts the
 * active span's ids and the service name on it. Nested values are replaced by masked copies;
 * the app's own objects are never modified.
 */
function recordWrite(original: Write, serviceName: string | undefined, redactor: Redactor): Write {
  return function faultlineWrite(
    this: unknown,
    chunk: unknown,
    encoding?: unknown,
    callback?: unknown,
  ): boolean {
    if (chunk !== null && typeof chunk === 'object') {
      try {
        const info = chunk as Record<string, unknown>;
        redactRecord(info, redactor);
        if (serviceName !== undefined) correlate(info, serviceName);
      } catch {
        // A frozen record is written as it is.
      }
    }
    return original.call(this, chunk, encoding, callback);
  };
}

/** Masks each field of `info` whose key is sensitive or whose value carries a secret. */
function redactRecord(info: Record<string, unknown>, redactor: Redactor): void {
  for (const key of Object.keys(info)) {
    const value = info[key];
    if (key === 'level' || value === null || value === undefined || typeof value === 'boolean') continue;
    // Errors keep their identity (formats such as `errors()` depend on it) and are the app's
    // own objects; what is shipped is masked by the ECS format.
    if (value instanceof Error) continue;
    if (typeof value === 'string' || typeof value === 'number') {
      // Flat values take the redactor's allocation-free path: the same value back when clean.
      const masked = redactor.redactAttribute(key, value);
      if (masked !== value) info[key] = masked;
      continue;
    }
    const masked = redactor.redact({ [key]: value })[key];
    if (!maskingChangedNothing(masked, value)) info[key] = masked;
  }
}

function correlate(info: Record<string, unknown>, serviceName: string): void {
  const spanContext = activeSpanContext();
  if (spanContext === undefined) return;
  info[logFields.traceId] ??= spanContext.traceId;
  info[logFields.spanId] ??= spanContext.spanId;
  info[logFields.serviceName] ??= serviceName;
}
