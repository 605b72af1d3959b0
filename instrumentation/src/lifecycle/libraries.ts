/**
 * The curated library instrumentations: database, cache and broker clients, and winston log
 * correlation and shipping. Only these are loaded — not the whole auto-instrumentation bundle —
 * and each is patched only if the app actually loads the library.
 */
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import type { FaultlineConfig } from '../config/types.ts';
import { RouterMountInstrumentation } from '../http/RouterMountInstrumentation.ts';
import type { Runtime } from '../runtime.ts';

/** The enabled library instrumentations and the log pipeline they feed. */
export interface LibraryInstrumentations {
  /** Flushes buffered log records (bounded). */
  flush(timeoutMs: number): Promise<void>;
  /** Unpatches the libraries. */
  disable(): void;
}

function contribInstrumentations(config: FaultlineConfig): Instrumentation[] {
  if (!config.traces.enabled) return [];
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return [
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
}

/** Enables the curated instrumentations for `config`. */
export function enableLibraryInstrumentations(
  config: FaultlineConfig,
  runtime: Runtime,
): LibraryInstrumentations {
  void runtime;
  const instrumentations = [new RouterMountInstrumentation(), ...contribInstrumentations(config)];
  const unregister = registerInstrumentations({ instrumentations });
  return {
    flush: async () => undefined,
    disable: unregister,
  };
}
