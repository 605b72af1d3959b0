// Reference point for the bench: the OpenTelemetry Node SDK set up by hand the way its docs
// show for a hand-picked setup, loaded with --require before the service:
//   - a NodeTracerProvider (default resource plus service.name from OTEL_SERVICE_NAME), with a
//     BatchSpanProcessor at its defaults feeding the OTLP/HTTP protobuf trace exporter, sent to
//     `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces` (the bench's local sink);
//   - only @opentelemetry/instrumentation-http and @opentelemetry/instrumentation-express
//     registered: no other instrumentation, no metrics or logs exporters, no resource detectors.
// The service's outgoing call uses fetch (undici), which neither instrumentation covers, so that
// call gets no client span and starts a trace of its own on the receiving side.
'use strict';

const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { defaultResource, resourceFromAttributes } = require('@opentelemetry/resources');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');

const endpoint = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '');

const provider = new NodeTracerProvider({
  resource: defaultResource().merge(
    resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'bench-app' }),
  ),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))],
});
provider.register();

registerInstrumentations({
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});

// Flush what is still batched when the service is stopped (the service closes its server on
// SIGTERM; the pending export keeps the process up until it is done).
process.once('SIGTERM', () => {
  provider.shutdown().catch(() => {});
});
