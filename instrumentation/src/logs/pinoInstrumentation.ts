/**
 * Log correlation for pino without touching the app's code: the `pino` factory is wrapped so
 * every logger it creates gets, through pino's own options, a `formatters.log` that masks the
 * record's sensitive fields and adds the active span's ids (after the app's own formatter; ECS
 * output, such as @elastic/ecs-pino-format's, gets `trace.id`/`span.id`, anything else
 * `trace_id`/`span_id`/`trace_flags`), and a `hooks.logMethod` that masks secrets in message
 * strings. Child loggers inherit both. The app's own formatter and hook still run. When logs are
 * shipped, the hook also hands each call's record to the Elasticsearch shipper as an ECS document.
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { Redactor } from '../redaction/createRedactor.ts';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { addSpanIds, isEcsRecord, maskedRecord } from './recordFields.ts';
import { pinoInfo, shipRecord, type LogShipping } from './shipRecord.ts';

/** The versions of pino whose options this instrumentation knows. */
export const SUPPORTED_PINO_VERSIONS = ['>=8.0.0 <11'];

type Pino = ((...args: unknown[]) => unknown) & Record<string | symbol, unknown>;
type LogFormatter = (object: Record<string, unknown>) => Record<string, unknown>;
type LogMethod = (
  this: unknown,
  args: unknown[],
  method: (...args: unknown[]) => unknown,
  level: number,
) => unknown;
type Serializer = (value: unknown) => unknown;
interface PinoOptions {
  formatters?: { log?: LogFormatter; [name: string]: unknown };
  serializers?: Record<string, Serializer | unknown>;
  hooks?: { logMethod?: LogMethod; [name: string]: unknown };
  [name: string]: unknown;
}

/** Options of the {@link PinoInstrumentation}. */
export interface PinoInstrumentationOptions {
  /** Add the active span's ids to records written inside a span. */
  readonly correlation: boolean;
  readonly redactor: Redactor;
  /** Ship every record to Elasticsearch; absent when logs are not shipped. */
  readonly shipping?: LogShipping | undefined;
}

/** Wraps pino's factory so its loggers are masked and correlated (see the module comment). */
export class PinoInstrumentation extends InstrumentationBase {
  readonly #options: PinoInstrumentationOptions;

  /** Creates and enables the instrumentation: pino loaded from now on is patched. */
  constructor(options: PinoInstrumentationOptions) {
    super(`${INSTRUMENTATION_SCOPE.name}/pino`, INSTRUMENTATION_SCOPE.version, { enabled: false });
    this.#options = options;
    this.enable();
    this.setConfig({ ...this.getConfig(), enabled: true });
  }

  protected override init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition('pino', SUPPORTED_PINO_VERSIONS, (module: Pino) => {
      const isEsm = module[Symbol.toStringTag] === 'Module';
      const original = (isEsm ? module.default : module) as Pino;
      const patched = wrapFactory(original, this.#options);
      if (typeof patched.pino === 'function') patched.pino = patched;
      if (typeof patched.default === 'function') patched.default = patched;
      if (!isEsm) return patched;
      if (module.pino) module.pino = patched;
      module.default = patched;
      return module;
    });
  }
}

function wrapFactory(original: Pino, options: PinoInstrumentationOptions): Pino {
  return Object.assign(function pino(this: unknown, ...args: unknown[]) {
    const [first, ...rest] = args;
    // `pino(destination)` and `pino(stream)` take no options.
    const isDestination =
      typeof first === 'string' ||
      (first !== null && typeof (first as { write?: unknown })?.write === 'function');
    if (isDestination) return original.call(this, withFaultline({}, options), first, ...rest);
    return original.call(this, withFaultline((first ?? {}) as PinoOptions, options), ...rest);
  }, original);
}

/**
 * Whether the logger writes ECS: @elastic/ecs-pino-format puts `ecs.version` in the bindings
 * (once per logger, not in each record's object), so its bindings formatter is asked.
 */
function writesEcs(options: PinoOptions): boolean {
  const bindings = options.formatters?.bindings;
  if (typeof bindings !== 'function') return false;
  try {
    return isEcsRecord((bindings as (bindings: object) => Record<string, unknown>)({}) ?? {});
  } catch {
    return false;
  }
}

/**
 * The app's serializers, each masking what it returns. Fields with a serializer (fastify's
 * `req` and `res`, an app's own) are masked in their serialized form, never copied raw: the
 * raw value is often a live object (a request with its socket) that only the serializer should
 * read.
 */
function maskingSerializers(
  serializers: PinoOptions['serializers'],
  redactor: Redactor,
): Record<string, Serializer> | undefined {
  if (serializers === undefined || serializers === null) return undefined;
  const wrapped: Record<string, Serializer> = {};
  for (const [key, serializer] of Object.entries(serializers)) {
    if (typeof serializer !== 'function') continue;
    wrapped[key] = (value) => maskedRecord({ [key]: (serializer as Serializer)(value) }, redactor)[key];
  }
  return wrapped;
}

/** A copy of the app's options with Faultline's formatter, serializers and hook around the app's own. */
function withFaultline(
  appOptions: PinoOptions,
  { correlation, redactor, shipping }: PinoInstrumentationOptions,
): PinoOptions {
  const appFormatter = appOptions.formatters?.log;
  const appLogMethod = appOptions.hooks?.logMethod;
  const ecs = writesEcs(appOptions);
  const serializers = maskingSerializers(appOptions.serializers, redactor);
  const serialized = new Set(Object.keys(serializers ?? {}));
  return {
    ...appOptions,
    ...(serializers && { serializers: { ...appOptions.serializers, ...serializers } }),
    formatters: {
      ...appOptions.formatters,
      log(object: Record<string, unknown>) {
        const formatted = maskedRecord(appFormatter ? appFormatter(object) : object, redactor, serialized);
        if (!correlation) return formatted;
        const record = formatted === object ? { ...object } : formatted;
        addSpanIds(record, ecs || isEcsRecord(record));
        return record;
      },
    },
    hooks: {
      ...appOptions.hooks,
      logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => unknown, level: number) {
        const masked = args.map((arg) => (typeof arg === 'string' ? redactor.redactString(arg) : arg));
        if (shipping !== undefined)
          shipRecord(shipping, pinoInfo(this as object, masked, level, serializers));
        return appLogMethod ? appLogMethod.call(this, masked, method, level) : method.apply(this, masked);
      },
    },
  };
}
