/**
 * Exporter configuration as a real app sees it: a signal-specific variable decides over the
 * generic one (`OTEL_EXPORTER_OTLP_PROTOCOL=grpc`, meant for other signals' gRPC port, leaves
 * traces exported over the traces-specific `http/json`), and a value Faultline cannot honour is
 * named in one stderr line while the app keeps serving.
 */
import { join } from 'node:path';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { ROOT, runApp, type RunningApp } from './support/runApp.ts';

const script = join(ROOT, 'instrumentation', 'test', 'fixtures', 'plain-http.cjs');

describe('OTLP exporter variables in a running app', () => {
  let receiver: OtlpTraceReceiver;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
  });

  afterEach(async () => {
    await app?.stop();
    receiver.reset();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('exports over the traces-specific protocol when the generic one says grpc', async () => {
    app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
    await fetch(`${app.url}/hello`);
    await receiver.waitForSpan((span) => span.attributes['url.path'] === '/hello');
    expect(receiver.exports().map((e) => e.encoding)).toContain('json');
    expect(app.stderr()).not.toContain('faultline:');
  });

  it('names an unsupported protocol in one line and keeps serving without traces', async () => {
    app = await runApp({
      script,
      flag: '--require',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/thrift' },
    });
    expect((await fetch(`${app.url}/hello`)).status).toBe(200);
    const lines = app
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('faultline:'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^faultline: invalid OTEL_EXPORTER_OTLP_PROTOCOL="http\/thrift": accepted http\/protobuf, http\/json, grpc; traces are disabled$/,
      ),
    ]);
  });
});
