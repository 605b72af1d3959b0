/**
 * On SIGTERM Faultline flushes what it holds, within a bound, and then the process ends the way
 * it would have without Faultline — or the app's own handler decides.
 */
import { Agent, get as httpGet } from 'node:http';
import { join } from 'node:path';
import { startOtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { ROOT, runApp } from './support/runApp.ts';

const script = join(ROOT, 'instrumentation', 'test', 'fixtures', 'express-app.cjs');

describe('on SIGTERM', () => {
  it('flushes queued spans and lets an app without handlers die of the signal', async () => {
    const receiver = await startOtlpTraceReceiver();
    // A long schedule delay: the spans are still queued when the signal arrives.
    const app = await runApp({
      script,
      flag: '--require',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '600000' },
    });
    expect((await fetch(`${app.url}/profiles/flushed`)).status).toBe(200);
    expect(receiver.spans()).toHaveLength(0);
    const exit = await app.stop('SIGTERM');
    expect(exit.signal).toBe('SIGTERM');
    expect(receiver.spans().some((span) => span.attributes['url.path'] === '/profiles/flushed')).toBe(true);
    await receiver.close();
  });

  it('leaves the decision to the app’s own handler', async () => {
    const receiver = await startOtlpTraceReceiver();
    const app = await runApp({
      script,
      flag: '--require',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, APP_HANDLES_SIGTERM: '1' },
    });
    const exit = await app.stop('SIGTERM');
    expect(app.stdout()).toContain('app handler ran');
    expect(exit).toEqual({ code: 0, signal: null });
    await receiver.close();
  });

  it('keeps exporting while an app’s own handler drains, and flushes the drain’s spans when Node runs out of work', async () => {
    const receiver = await startOtlpTraceReceiver();
    const app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        APP_DRAINS_ON_SIGTERM: '1',
      },
    });
    expect((await fetch(`${app.url}/profiles/before-drain`)).status).toBe(200);
    const exit = await app.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const names = receiver.spans().map((span) => span.name);
    expect(names).toContain('graceful-drain');
    expect(receiver.spans().some((span) => span.attributes['url.path'] === '/profiles/before-drain')).toBe(
      true,
    );
    await receiver.close();
  });

  it('does not keep a draining app alive through a scraper’s kept-alive connection', async () => {
    const receiver = await startOtlpTraceReceiver();
    const app = await runApp({
      script,
      flag: '--require',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, APP_DRAINS_ON_SIGTERM: '1' },
    });
    // Prometheus keeps its scrape connection open between scrapes.
    const agent = new Agent({ keepAlive: true });
    try {
      const scraped = await new Promise<number>((resolve, reject) =>
        httpGet(app.metricsUrl, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        }).on('error', reject),
      );
      expect(scraped).toBe(200);
      // Held by the connection, the app would only exit when the server's 65 s keep-alive ends,
      // past this test's 30 s.
      const exit = await app.stop('SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
    } finally {
      agent.destroy();
      await receiver.close();
    }
  }, 30_000);

  it('does not wait longer than the shutdown timeout for a hung backend', async () => {
    const receiver = await startOtlpTraceReceiver({ mode: 'hang' });
    const app = await runApp({
      script,
      flag: '--require',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '600000',
        FAULTLINE_SHUTDOWN_TIMEOUT_MS: '300',
      },
    });
    await fetch(`${app.url}/profiles/stuck`);
    const exit = await app.stop('SIGTERM');
    expect(exit.signal).toBe('SIGTERM');
    expect(receiver.requestCount()).toBe(1);
    await receiver.close();
  });
});
