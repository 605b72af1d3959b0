/**
 * The curated library instrumentations: express sub-router mounts, database, cache and broker
 * clients, and winston log correlation and shipping. Only these are loaded — not the whole
 * auto-instrumentation bundle — and each is patched only if the app actually loads the library.
 */
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import type { FaultlineConfig } from '../config/types.ts';
import { RouterMountInstrumentation } from '../http/RouterMountInstrumentation.ts';
import { ElasticsearchShipper } from '../logs/ElasticsearchShipper.ts';
import { WinstonInstrumentation } from '../logs/winstonInstrumentation.ts';
import { createKafkaInstrumentation } from '../kafka/index.ts';
import { createMessagingInstrumentation } from '../messaging/index.ts';
import type { Redactor } from '../redaction/createRedactor.ts';
import type { Runtime } from '../runtime.ts';

/** The enabled library instrumentations and the log pipeline they feed. */
export interface LibraryInstrumentations {
  /** Flushes buffered log records (bounded). */
  flush(timeoutMs: number): Promise<void>;
  /** Stops log shipping, counting what is left as dropped at shutdown (bounded). */
  shutdown(timeoutMs: number): Promise<void>;
  /** Unpatches the libraries. */
  disable(): void;
}

function tracingInstrumentations(config: FaultlineConfig): Instrumentation[] {
  if (!config.traces.enabled) return [];
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when traces are on */
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

/** Enables the curated instrumentations and the log pipeline for `config`. */
export function enableLibraryInstrumentations(
  config: FaultlineConfig,
  runtime: Runtime,
  redactor: Redactor,
): LibraryInstrumentations {
  const elasticsearch = config.logs.elasticsearch;
  const shipper = elasticsearch.enabled
    ? new ElasticsearchShipper(elasticsearch, { metrics: runtime.metrics, log: runtime.log })
    : undefined;
  runtime.log.attachSink(shipper);
  const instrumentations: Instrumentation[] = [
    new RouterMountInstrumentation(),
    createMessagingInstrumentation(),
    createKafkaInstrumentation({ traces: config.traces.enabled }),
    ...tracingInstrumentations(config),
  ];
  if (config.logs.correlation || shipper) {
    instrumentations.push(
      new WinstonInstrumentation({
        correlation: config.logs.correlation,
        service: config.service,
        shipper,
        redactor,
      }),
    );
  }
  const unregister = registerInstrumentations({ instrumentations });
  return {
    flush: async (timeoutMs) => {
      await shipper?.flush(timeoutMs);
    },
    shutdown: async (timeoutMs) => {
      runtime.log.attachSink(undefined);
      await shipper?.shutdown(timeoutMs);
    },
    disable: unregister,
  };
}
