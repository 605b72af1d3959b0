/**
 * The curated library instrumentations: route templates of express mounts, koa, hapi and
 * fastify (the last through its diagnostics channel), database, cache and broker clients,
 * winston log correlation and shipping, and pino and bunyan correlation and masking. Only these
 * are loaded — not the whole auto-instrumentation bundle — and each is patched only if the app
 * actually loads the library.
 */
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import type { FaultlineConfig } from '../config/types.ts';
import { Mysql2ContextInstrumentation } from '../db/Mysql2ContextInstrumentation.ts';
import { FinalHandlerInstrumentation } from '../http/FinalHandlerInstrumentation.ts';
import { ExpressMountInstrumentation } from '../http/frameworks/ExpressMountInstrumentation.ts';
import { HapiRouteInstrumentation } from '../http/frameworks/HapiRouteInstrumentation.ts';
import { KoaRouteInstrumentation } from '../http/frameworks/KoaRouteInstrumentation.ts';
import { observeFastifyRoutes } from '../http/frameworks/fastifyRoutes.ts';
import { ElasticsearchShipper } from '../logs/ElasticsearchShipper.ts';
import { BunyanInstrumentation } from '../logs/bunyanInstrumentation.ts';
import { PinoInstrumentation } from '../logs/pinoInstrumentation.ts';
import { WinstonInstrumentation } from '../logs/winstonInstrumentation.ts';
import { createKafkaInstrumentation } from '../kafka/index.ts';
import { createMessagingInstrumentation } from '../messaging/index.ts';
import { MqttInstrumentation } from '../messaging/mqttInstrumentation.ts';
import { NatsInstrumentation } from '../messaging/natsInstrumentation.ts';
import type { Redactor } from '../redaction/createRedactor.ts';
import type { Runtime } from '../runtime.ts';
import { CONTRIB_LIBRARIES } from './contribLibraries.ts';
import { LazyContribInstrumentation } from './LazyContribInstrumentation.ts';
import { captureRequireHook, forgetBuiltinModules } from './requireHookCache.ts';

/** The enabled library instrumentations and the log pipeline they feed. */
export interface LibraryInstrumentations {
  /** Flushes buffered log records (bounded). */
  flush(timeoutMs: number): Promise<void>;
  /** Stops log shipping, counting what is left as dropped at shutdown (bounded). */
  shutdown(timeoutMs: number): Promise<void>;
  /** Unpatches the libraries. */
  disable(): void;
  /** Unpatches the libraries instrumented only for spans (the app's own setup took over). */
  dropTracing(): void;
}

function tracingInstrumentations(config: FaultlineConfig): Instrumentation[] {
  if (!config.traces.enabled) return [];
  return [
    ...CONTRIB_LIBRARIES.map((library) => new LazyContribInstrumentation(library)),
    new Mysql2ContextInstrumentation(),
  ];
}

/** Enables the curated instrumentations and the log pipeline for `config`. */
export function enableLibraryInstrumentations(
  config: FaultlineConfig,
  runtime: Runtime,
  redactor: Redactor,
): LibraryInstrumentations {
  // Before any instrumentation is constructed: constructing one creates the shared hook.
  captureRequireHook();
  const elasticsearch = config.logs.elasticsearch;
  const shipper = elasticsearch.enabled
    ? new ElasticsearchShipper(elasticsearch, { metrics: runtime.metrics, log: runtime.log })
    : undefined;
  runtime.log.attachSink(shipper);
  const spanOnly = tracingInstrumentations(config);
  const instrumentations: Instrumentation[] = [
    new ExpressMountInstrumentation(),
    new KoaRouteInstrumentation(),
    new HapiRouteInstrumentation(),
    new FinalHandlerInstrumentation(),
    createMessagingInstrumentation(),
    new NatsInstrumentation(),
    new MqttInstrumentation(),
    createKafkaInstrumentation({ traces: config.traces.enabled }),
    ...spanOnly,
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
  // Masking applies whether or not correlation is on: secrets never reach a log line.
  const shipping = shipper && { shipper, service: config.service, redactor };
  const logOptions = { correlation: config.logs.correlation, redactor, shipping };
  instrumentations.push(new PinoInstrumentation(logOptions), new BunyanInstrumentation(logOptions));
  const unregister = registerInstrumentations({ instrumentations });
  const stopFastifyRoutes = observeFastifyRoutes();
  return {
    flush: async (timeoutMs) => {
      await shipper?.flush(timeoutMs);
    },
    shutdown: async (timeoutMs) => {
      runtime.log.attachSink(undefined);
      await shipper?.shutdown(timeoutMs);
    },
    disable: () => {
      stopFastifyRoutes();
      unregister();
    },
    dropTracing: () => {
      for (const instrumentation of spanOnly) instrumentation.disable();
      forgetBuiltinModules();
    },
  };
}
