/**
 * The official OTLP trace protobuf schema, loaded with protobufjs from the `.proto` files of the
 * opentelemetry-proto release pinned in backends/versions.ts (`otlpProto`): Maven Central's
 * `io.opentelemetry.proto:opentelemetry-proto` jar, which carries the sources, fetched into the
 * backends cache by `npm run backends:build` (npm test runs it first) like the other pinned
 * backends. It is the current schema: `Span.flags`, `Link.flags`, scope attributes and dropped
 * counts, `ExportTraceServiceResponse.partial_success` are declared and type-checked; fields
 * still newer than it are skipped, as protobuf requires of a reader.
 */
import path from 'node:path';
import protobuf from 'protobufjs';
import { BACKENDS } from '../../../backends/versions.ts';
import { otlpProtoDir } from '../../../backends/binaries.ts';

/** Where the `.proto` files come from (Maven coordinates). */
export const PROTO_PACKAGE = BACKENDS.otlpProto.artifact;

/** The opentelemetry-proto release those files are. */
export const PROTO_VERSION = `v${BACKENDS.otlpProto.version}`;

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
 * also the OTLP/JSON spelling. Throws NotBuiltError (naming the command) when the pinned
 * opentelemetry-proto release is not in the backends cache.
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
  return otlpProtoDir();
}
