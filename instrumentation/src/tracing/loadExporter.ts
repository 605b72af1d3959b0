/**
 * Loads only the OTLP exporter the configuration asks for. Each exporter package pulls in its
 * own serialisation stack, so requiring both (or every exporter, as the NodeSDK does) would cost
 * every service start-up time and memory for code it never runs.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracesEnabled } from '../config/types.ts';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see above */

/** The OTLP/HTTP trace exporter for the configured protocol. */
export function loadExporter(config: TracesEnabled): SpanExporter {
  const options = {
    url: config.url,
    headers: { ...config.headers },
    timeoutMillis: config.timeoutMs,
    concurrencyLimit: 1,
  };
  if (config.protocol === 'http/json') {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(options);
  }
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(options);
}
