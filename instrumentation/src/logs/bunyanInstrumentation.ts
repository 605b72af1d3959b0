/**
 * Log correlation for bunyan without touching the app's code: `Logger.prototype._emit`, which
 * every record passes through before any stream sees it, masks the record's sensitive fields
 * and message and adds the active span's ids (`trace_id`/`span_id`/`trace_flags`, as
 * OpenTelemetry's bunyan instrumentation names them; `trace.id`/`span.id` on ECS records),
 * and, when logs are shipped, hands the record to the Elasticsearch shipper as an ECS document.
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { Redactor } from '../redaction/createRedactor.ts';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { addSpanIds, maskedRecord } from './recordFields.ts';
import { bunyanInfo, shipRecord, type LogShipping } from './shipRecord.ts';

/** The versions of bunyan whose internals this instrumentation knows. */
export const SUPPORTED_BUNYAN_VERSIONS = ['>=1.0.0 <3'];

/** Record fields bunyan itself sets, never secrets. */
const BUNYAN_FIELDS = new Set(['v', 'level', 'name', 'hostname', 'pid', 'time', 'msg', 'src']);

type Emit = (this: unknown, record: Record<string, unknown>, noemit?: unknown) => unknown;
interface BunyanLogger {
  prototype: { _emit: Emit };
}
/** `require('bunyan')` is the Logger class; `import` (through the ESM hook) gives its namespace. */
type BunyanModule = BunyanLogger | { default: BunyanLogger };

function loggerOf(exports: BunyanModule): BunyanLogger {
  return 'prototype' in exports && typeof exports.prototype?._emit === 'function'
    ? exports
    : (exports as { default: BunyanLogger }).default;
}

/** Options of the {@link BunyanInstrumentation}. */
export interface BunyanInstrumentationOptions {
  /** Add the active span's ids to records written inside a span. */
  readonly correlation: boolean;
  readonly redactor: Redactor;
  /** Ship every record to Elasticsearch; absent when logs are not shipped. */
  readonly shipping?: LogShipping | undefined;
}

/** Patches bunyan loggers for masking and correlation (see the module comment). */
export class BunyanInstrumentation extends InstrumentationBase {
  readonly #options: BunyanInstrumentationOptions;

  /** Creates and enables the instrumentation: bunyan loaded from now on is patched. */
  constructor(options: BunyanInstrumentationOptions) {
    super(`${INSTRUMENTATION_SCOPE.name}/bunyan`, INSTRUMENTATION_SCOPE.version, { enabled: false });
    this.#options = options;
    this.enable();
    this.setConfig({ ...this.getConfig(), enabled: true });
  }

  protected override init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      'bunyan',
      SUPPORTED_BUNYAN_VERSIONS,
      (exports: BunyanModule) => {
        const { correlation, redactor, shipping } = this.#options;
        this._wrap(
          loggerOf(exports).prototype,
          '_emit',
          (original: Emit) =>
            function emit(this: unknown, record, noemit) {
              // bunyan builds a fresh record per call: masking and ids go on it directly.
              const masked = maskedRecord(record, redactor, BUNYAN_FIELDS);
              if (masked !== record) Object.assign(record, masked);
              if (typeof record.msg === 'string') record.msg = redactor.redactString(record.msg);
              if (correlation) addSpanIds(record);
              if (shipping !== undefined && noemit !== true) shipRecord(shipping, bunyanInfo(record));
              return original.call(this, record, noemit);
            },
        );
        return exports;
      },
      (exports: BunyanModule | undefined) => {
        if (exports) this._unwrap(loggerOf(exports).prototype, '_emit');
      },
    );
  }
}
