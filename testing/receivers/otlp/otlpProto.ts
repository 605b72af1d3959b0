/**
 * The official OTLP trace protobuf schema, loaded with protobufjs from the `.proto` files that
 * `@opentelemetry/otlp-grpc-exporter-base@0.38.0` ships in `build/protos/` (a root devDependency,
 * pinned exactly). It is the newest npm release of any OpenTelemetry package that ships the
 * `.proto` sources; later releases carry generated code only.
 *
 * Those files are opentelemetry-proto **v0.18.0** (2022-05): `InstrumentationScope` exists but has
 * no `attributes`, the deprecated `instrumentation_library_spans` (field 1000) is still declared,
 * and `Span.flags` / `Link.flags` (v1.1.0) and `ExportTraceServiceResponse.partial_success`
 * (v0.19.0) are missing. Today's exporters send some of those newer fields, so the receivers
 * skip fields this schema does not know instead of rejecting them (see otlpJsonDecoder.ts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';

/** The npm package and version that provides the `.proto` files. */
export const PROTO_PACKAGE = '@opentelemetry/otlp-grpc-exporter-base@0.38.0';

/** The opentelemetry-proto release those files correspond to. */
export const PROTO_VERSION = 'v0.18.0';

/** Fully qualified name of the request message of `POST /v1/traces`. */
export const EXPORT_TRACE_REQUEST = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest';

/** Fully qualified name of the (empty) success answer. */
export const EXPORT_TRACE_RESPONSE = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse';

/** The two message types a trace receiver needs, resolved from one loaded root. */
export interface TraceSchema {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
}

let cached: TraceSchema | undefined;

/**
 * Loads (once per process) the trace service schema. Field names are lowerCamelCase, which is
 * also the OTLP/JSON spelling. Throws when the pinned package is not installed.
 */
export function loadTraceSchema(): TraceSchema {
  if (cached !== undefined) return cached;
  const protoDir = locateProtoDir();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoDir, target);
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
  root.resolveAll();
  cached = {
    request: root.lookupType(EXPORT_TRACE_REQUEST),
    response: root.lookupType(EXPORT_TRACE_RESPONSE),
  };
  return cached;
}

function locateProtoDir(): string {
  // Under jest (CommonJS) `require` resolves from this file; as a native ES module there is no
  // `require` and `import.meta` is off limits for jest-imported code, so resolve from the cwd.
  const resolver =
    typeof require === 'function' ? require : createRequire(path.join(process.cwd(), 'index.js'));
  let manifest: string;
  try {
    manifest = resolver.resolve('@opentelemetry/otlp-grpc-exporter-base/package.json');
  } catch (error) {
    throw new Error(`cannot find ${PROTO_PACKAGE} (a root devDependency); run npm install`, { cause: error });
  }
  return path.join(path.dirname(manifest), 'build', 'protos');
}
