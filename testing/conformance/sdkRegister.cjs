// The oracle: the official OpenTelemetry SDK for Node.js with its HTTP and express
// instrumentations, exporting OTLP/HTTP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT, configured from
// the same OTEL_* variables as Faultline. SIGTERM flushes and exits.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');

// Metrics in Prometheus format on the port the test scrapes, as Faultline serves them.
const metricReader = new PrometheusExporter({
  host: '127.0.0.1',
  port: Number(process.env.FAULTLINE_METRICS_PORT),
});

const sdk = new NodeSDK({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 100 })],
  metricReader,
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});
sdk.start();
process.on('SIGTERM', () => {
  sdk.shutdown().finally(() => process.exit(0));
});
