/**
 * How spans leave a real app started with the flag: OTLP over gRPC (plaintext h2c, and TLS
 * trusting `OTEL_EXPORTER_OTLP_CERTIFICATE`), gzip compression on gRPC frames and on OTLP/HTTP
 * bodies, and OTLP/HTTP over https with the configured CA. The receiver decodes every body with
 * the same strict decoder as the OTLP/HTTP receiver; gzipped gRPC also into Jaeger v2, a real
 * OTLP/gRPC server.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTrace, serviceOf, startJaeger, type RunningJaeger } from '../../backends/index.ts';
import {
  startOtlpGrpcTraceReceiver,
  type OtlpGrpcTraceReceiver,
} from '../../testing/receivers/otlpGrpcTraceReceiver.ts';
import { ROOT, eventually, runApp, sampleValue, type RunningApp } from './support/runApp.ts';

const script = join(ROOT, 'instrumentation', 'test', 'fixtures', 'plain-http.cjs');

let dir: string;
let tls: { key: string; cert: string; certFile: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-tls-'));
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  tls = { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Transport {
  readonly transport: string;
  readonly secure: boolean;
  readonly env: Record<string, string>;
  /** The variable naming the CA file to trust, for TLS endpoints. */
  readonly certificateVariable?: string;
  readonly expected: { protocol: string; httpVersion: string; compressed: boolean };
}

describe.each([
  {
    transport: 'gRPC over h2c',
    secure: false,
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    expected: { protocol: 'grpc', httpVersion: '2.0', compressed: false },
  },
  {
    transport: 'gzipped gRPC over h2c',
    secure: false,
    env: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
    expected: { protocol: 'grpc', httpVersion: '2.0', compressed: true },
  },
  {
    transport: 'gRPC over TLS with OTEL_EXPORTER_OTLP_CERTIFICATE',
    secure: true,
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    certificateVariable: 'OTEL_EXPORTER_OTLP_CERTIFICATE',
    expected: { protocol: 'grpc', httpVersion: '2.0', compressed: false },
  },
  {
    transport: 'gzipped OTLP/HTTP over https with OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE',
    secure: true,
    env: { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' },
    certificateVariable: 'OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE',
    expected: { protocol: 'http/protobuf', httpVersion: '1.1', compressed: true },
  },
] as Transport[])('spans exported with $transport', ({ secure, env, certificateVariable, expected }) => {
  let receiver: OtlpGrpcTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpGrpcTraceReceiver(secure ? { tls } : {});
    const certificate: Record<string, string> = certificateVariable
      ? { [certificateVariable]: tls.certFile }
      : {};
    app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        ...env,
        ...certificate,
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('arrive, decoded by the strict decoder, as configured', async () => {
    await fetch(`${app.url}/shipped`);
    await receiver.waitForSpan((span) => span.attributes['url.path'] === '/shipped');
    expect(receiver.problems()).toEqual([]);
    expect(receiver.requests()[0]).toMatchObject(expected);
    expect(app.stderr()).not.toContain('faultline:');
  });
});

describe('an https endpoint whose certificate the app was not told to trust', () => {
  it('receives nothing, and the failed exports are counted', async () => {
    const receiver = await startOtlpGrpcTraceReceiver({ tls });
    const app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_OTLP_TIMEOUT: '500',
      },
    });
    try {
      await fetch(`${app.url}/refused`);
      await eventually(async () => {
        const value = sampleValue(await app.metrics(), 'faultline_telemetry_export_failures_total', {
          signal: 'traces',
        });
        return value !== undefined && value > 0 ? value : undefined;
      });
      expect(receiver.spans()).toEqual([]);
    } finally {
      await app.stop();
      await receiver.close();
    }
  });
});

describe('gzipped gRPC into a real OTLP/gRPC server (Jaeger v2, from backends/)', () => {
  let jaeger: RunningJaeger;
  let app: RunningApp;

  beforeAll(async () => {
    jaeger = await startJaeger({ dir });
    app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_SERVICE_NAME: 'grpc-export-check',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://${jaeger.otlpGrpcEndpoint}`,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await jaeger?.stop();
  });

  it('stores the request’s span, found by its trace id', async () => {
    const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const traceId = traceparent.split('-')[1]!;
    await fetch(`${app.url}/stored`, { headers: { traceparent } });
    const stored = await eventually(() => getTrace(jaeger.queryUrl, traceId), {
      what: 'the trace in Jaeger',
    });
    expect(stored.spans.map((span) => span.operationName)).toEqual(['GET']);
    expect(serviceOf(stored, stored.spans[0]!)).toBe('grpc-export-check');
    expect(
      sampleValue(await app.metrics(), 'faultline_telemetry_export_failures_total', { signal: 'traces' }) ??
        0,
    ).toBe(0);
  });
});

describe('an app stopped with SIGTERM while its spans wait for the next gRPC export', () => {
  it('sends them before it exits', async () => {
    const receiver = await startOtlpGrpcTraceReceiver();
    const app = await runApp({
      script,
      flag: '--require',
      // A schedule longer than the test: only the flush at exit can send the span.
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      },
    });
    try {
      await fetch(`${app.url}/last-words`);
      expect(await app.stop()).toEqual({ code: null, signal: 'SIGTERM' });
      await receiver.waitForSpan((span) => span.attributes['url.path'] === '/last-words');
    } finally {
      await app.stop();
      await receiver.close();
    }
  });
});
