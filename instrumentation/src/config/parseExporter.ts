/**
 * The OTLP trace exporter's variables: protocol, endpoint, headers, timeout, compression and
 * TLS files. Each setting has a traces-specific variable and a generic one; the specific one
 * decides when it is set, and the generic one is then not read at all, so a value meant for
 * other signals (`OTEL_EXPORTER_OTLP_PROTOCOL=grpc` for metrics) neither applies to traces nor
 * is reported.
 */
import { EnvReader, INVALID, httpUrl, integer, keyValueList, oneOf, type Read } from './readers.ts';
import type { OtlpExporterConfig, OtlpProtocol, OtlpTls } from './types.ts';

const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const satisfies readonly OtlpProtocol[];
const COMPRESSIONS = ['gzip', 'none'] as const;
const CONSEQUENCE = 'traces are disabled';

/** The variable that decides a setting: the traces-specific one when set, else the generic one. */
function signalVariable(reader: EnvReader, setting: string): string {
  const specific = `OTEL_EXPORTER_OTLP_TRACES_${setting}`;
  return reader.raw(specific) === undefined ? `OTEL_EXPORTER_OTLP_${setting}` : specific;
}

/**
 * The export URL. For OTLP/HTTP the generic endpoint is a base to which `/v1/traces` is added
 * and the specific one is used as it is; for gRPC both name the server (default port 4317).
 */
function endpoint(reader: EnvReader, protocol: OtlpProtocol): Read<string> {
  const specific = reader.read(
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    httpUrl,
    '',
    'an http(s) URL',
    CONSEQUENCE,
  );
  if (!specific.ok || specific.value !== '') return specific;
  const grpc = protocol === 'grpc';
  const base = reader.read(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    httpUrl,
    grpc ? 'http://localhost:4317' : 'http://localhost:4318',
    'an http(s) URL',
    CONSEQUENCE,
  );
  if (!base.ok || grpc) return base;
  return { ok: true, value: `${base.value.replace(/\/+$/, '')}/v1/traces` };
}

/** Reads one TLS file (PEM) named by a variable; an unreadable file disables traces. */
function tlsFile(
  reader: EnvReader,
  setting: string,
  readFile: (path: string) => string,
): Read<string | undefined> {
  const variable = signalVariable(reader, setting);
  const path = reader.raw(variable);
  if (path === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: readFile(path) };
  } catch {
    // Recorded as an issue naming the variable, like any refused value.
    return reader.read(variable, () => INVALID, undefined, 'the path of a readable PEM file', CONSEQUENCE);
  }
}

function readTls(reader: EnvReader, readFile: (path: string) => string): Read<OtlpTls> {
  const ca = tlsFile(reader, 'CERTIFICATE', readFile);
  const cert = tlsFile(reader, 'CLIENT_CERTIFICATE', readFile);
  const key = tlsFile(reader, 'CLIENT_KEY', readFile);
  if (!ca.ok || !cert.ok || !key.ok) return { ok: false };
  return { ok: true, value: { ca: ca.value, cert: cert.value, key: key.value } };
}

/** Parses the exporter settings; any invalid one disables traces (issues are on `reader`). */
export function parseExporter(
  reader: EnvReader,
  readFile: (path: string) => string,
): Read<OtlpExporterConfig> {
  const protocol = reader.read(
    signalVariable(reader, 'PROTOCOL'),
    oneOf(PROTOCOLS),
    'http/protobuf',
    PROTOCOLS.join(', '),
    CONSEQUENCE,
  );
  const url = endpoint(reader, protocol.ok ? protocol.value : 'http/protobuf');
  const headersAccepted = 'a comma-separated list of key=value pairs';
  const headers = reader.read('OTEL_EXPORTER_OTLP_HEADERS', keyValueList, {}, headersAccepted, CONSEQUENCE);
  const traceHeaders = reader.read(
    'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    keyValueList,
    {},
    headersAccepted,
    CONSEQUENCE,
  );
  const timeoutMs = reader.readOrDefault(
    signalVariable(reader, 'TIMEOUT'),
    integer(1, 600_000),
    10_000,
    'milliseconds from 1 to 600000',
  );
  const compression = reader.read(
    signalVariable(reader, 'COMPRESSION'),
    oneOf(COMPRESSIONS),
    'none',
    COMPRESSIONS.join(', '),
    CONSEQUENCE,
  );
  const tls = readTls(reader, readFile);
  if (!protocol.ok || !url.ok || !headers.ok || !traceHeaders.ok || !compression.ok || !tls.ok)
    return { ok: false };
  return {
    ok: true,
    value: {
      url: url.value,
      protocol: protocol.value,
      headers: { ...headers.value, ...traceHeaders.value },
      timeoutMs,
      compression: compression.value,
      tls: tls.value,
    },
  };
}
