/**
 * Telemetry must never take the service down or stall it: with the trace backend down or hung,
 * Elasticsearch unreachable, or a bad variable, the app keeps serving, buffers stay within their
 * bound, and every loss is counted on /metrics.
 */
import { join } from 'node:path';
import { startOtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { ROOT, eventually, freePort, runApp, sampleValue } from './support/runApp.ts';

const script = join(ROOT, 'instrumentation', 'test', 'fixtures', 'express-app.cjs');

async function hit(url: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await fetch(`${url}/profiles/${i}`)).status);
  return statuses;
}

describe('when the trace backend is unreachable', () => {
  it('keeps serving and counts failed exports and the spans they carried', async () => {
    const closedPort = await freePort();
    const app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1000',
      },
    });
    try {
      expect(await hit(app.url, 20)).toEqual(Array(20).fill(200));
      const text = await eventually(
        async () => {
          const body = await app.metrics();
          const dropped = sampleValue(body, 'faultline_telemetry_dropped_total', {
            signal: 'traces',
            reason: 'export_failed',
          });
          return dropped === 20 ? body : undefined;
        },
        { what: '20 spans counted as dropped after failed exports' },
      );
      expect(
        sampleValue(text, 'faultline_telemetry_export_failures_total', { signal: 'traces' }),
      ).toBeGreaterThan(0);
      expect(sampleValue(text, 'faultline_telemetry_exported_total', { signal: 'traces' })).toBe(0);
    } finally {
      await app.stop();
    }
  });
});

describe('when the trace backend hangs', () => {
  it('holds at most the configured queue, drops and counts the rest, and keeps answering', async () => {
    const receiver = await startOtlpTraceReceiver({ mode: 'hang' });
    const app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_MAX_QUEUE_SIZE: '50',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_BSP_SCHEDULE_DELAY: '20',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '120000',
      },
    });
    try {
      const requests = 300;
      expect(await hit(app.url, requests)).toEqual(Array(requests).fill(200));
      const text = await app.metrics();
      const queued = sampleValue(text, 'faultline_telemetry_queue_size', { signal: 'traces' });
      const dropped = sampleValue(text, 'faultline_telemetry_dropped_total', {
        signal: 'traces',
        reason: 'queue_full',
      })!;
      expect(queued).toBe(50);
      expect(sampleValue(text, 'faultline_telemetry_queue_capacity', { signal: 'traces' })).toBe(50);
      // The bound covers the batch stuck in the hung export too: exactly 50 spans are held.
      expect(dropped).toBe(requests - 50);
      expect(receiver.requestCount()).toBe(1);
    } finally {
      await app.stop('SIGKILL');
      await receiver.close();
    }
  });
});

describe('when Elasticsearch is unreachable', () => {
  it('keeps serving and counts the log records it cannot ship', async () => {
    const closedPort = await freePort();
    const app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_TRACES_EXPORTER: 'none',
        FAULTLINE_ELASTICSEARCH_URL: `http://127.0.0.1:${closedPort}`,
        FAULTLINE_LOG_BUFFER_SIZE: '5',
        FAULTLINE_LOG_FLUSH_INTERVAL_MS: '50',
      },
    });
    try {
      expect(await hit(app.url, 30)).toEqual(Array(30).fill(200));
      await eventually(
        async () => {
          const body = await app.metrics();
          const full = sampleValue(body, 'faultline_telemetry_dropped_total', {
            signal: 'logs',
            reason: 'queue_full',
          });
          const failures = sampleValue(body, 'faultline_telemetry_export_failures_total', { signal: 'logs' });
          return full !== undefined && full > 0 && failures !== undefined && failures > 0 ? true : undefined;
        },
        { what: 'log drops and export failures to be counted' },
      );
      const queued = sampleValue(await app.metrics(), 'faultline_telemetry_queue_size', { signal: 'logs' })!;
      expect(queued).toBeLessThanOrEqual(5);
    } finally {
      await app.stop();
    }
  });
});

describe('with a bad configuration value', () => {
  it('names the variable, the value and what is accepted, and starts without that signal', async () => {
    const app = await runApp({
      script,
      flag: '--require',
      env: { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    });
    try {
      expect(app.stderr()).toContain(
        'faultline: invalid OTEL_TRACES_SAMPLER="sometimes": accepted always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio; traces are disabled',
      );
      expect((await fetch(`${app.url}/profiles/1`)).status).toBe(200);
      const text = await app.metrics();
      expect(
        sampleValue(text, 'http_server_request_duration_seconds_count', { http_route: '/profiles/:id' }),
      ).toBe(1);
      expect(text).not.toContain('signal="traces"');
    } finally {
      await app.stop();
    }
  });

  it('serves the app when the metrics port is invalid, and says so', async () => {
    const receiver = await startOtlpTraceReceiver();
    const app = await runApp({
      script,
      flag: '--require',
      env: {
        FAULTLINE_METRICS_PORT: 'ninety',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
    try {
      expect(app.stderr()).toContain(
        'faultline: invalid FAULTLINE_METRICS_PORT="ninety": accepted a port number from 0 to 65535; the metrics endpoint is disabled',
      );
      expect((await fetch(`${app.url}/profiles/2`)).status).toBe(200);
      await receiver.waitForSpan((span) => span.attributes['url.path'] === '/profiles/2');
    } finally {
      await app.stop();
      await receiver.close();
    }
  });
});
