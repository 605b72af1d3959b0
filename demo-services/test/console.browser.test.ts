/**
 * The console in a real browser (Debian's Chromium through playwright-core, headless) on the
 * real demo as `npm run demo` starts it (`startDemo` with its console, load generator, Jaeger,
 * the Collector, Elasticsearch, Prometheus, Alertmanager and the PagerDuty sink), on free ports
 * and names of its own. The test does what a newcomer does: watch the live charts, take the
 * provider down, see the breaker chart show open and pending orders rise, see the page the pager
 * accepted and open its runbook, click an order to its trace (spans of gateway, order-service and
 * payment-service) and its log lines (the same trace id), reset, and see the charts recover and
 * every order that was pending paid. Charts are checked through their ECharts option, never
 * pixels. With script off, the order list, the filter, the faults and the pages still work.
 * Screenshots go to demo-services/console/screenshots/ with UPDATE_SCREENSHOTS=1.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { isolatedDemo, removeIsolatedDemo, type IsolatedDemo } from '../demo/isolation.ts';
import { DEMO_START_TIMEOUT_MS } from '../demo/waitUntil.ts';
import { startDemo, type RunningDemo } from '../demo/startDemo.ts';
import { waitFor } from './console-support/waitFor.ts';

const CHROMIUM = '/usr/bin/chromium';
// The committed pictures are refreshed only on request, so a test run leaves the tree clean.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? path.resolve('demo-services/console/screenshots')
  : path.resolve('test-output/console-screenshots');
/** Prometheus scrapes the demo every 5 s, the charts refresh every 5 s, payments are redelivered every 2 s. */
const LIVE_TIMEOUT_MS = 60_000;
/** The README's promise: CircuitBreakerOpen pages within two minutes of the provider going down. */
const PAGE_TIMEOUT_MS = 120_000;
/** A trace and its log lines are searchable a few seconds after the request (batching, refresh). */
const TRACE_TIMEOUT_MS = 45_000;

let isolation: IsolatedDemo;
let demo: RunningDemo | undefined;
let browser: Browser | undefined;
let page: Page;
let consoleUrl = '';
const dialogs: string[] = [];

beforeAll(async () => {
  isolation = await isolatedDemo('console');
  demo = await startDemo({
    ...isolation,
    prometheusBuild: 'pinned',
    observability: true,
    console: true,
    tracePipeline: true,
    load: true,
    loadRatePerSecond: 2,
    // A long outage must not exhaust the delivery budget (and dead-letter the orders) while the
    // test waits for the page; every other setting is the demo's own.
    baseEnv: { ...process.env, MAX_DELIVERIES: '1000' },
    print: () => undefined,
  });
  consoleUrl = demo.urls.console ?? '';
  if (!demo.urls['jaeger (query API)'] || !demo.urls['elasticsearch (logs)'])
    throw new Error(`the demo started without Jaeger or Elasticsearch: ${JSON.stringify(demo.urls)}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
}, DEMO_START_TIMEOUT_MS + 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (isolation) await removeIsolatedDemo(isolation);
}, DEMO_START_TIMEOUT_MS);

/** A chart's line series as ECharts holds them: name, last value, fault areas marked. */
interface DrawnSeries {
  readonly name: string;
  readonly last: number | null;
  readonly faultAreas: number;
}

async function drawn(key: string): Promise<DrawnSeries[]> {
  // Read from the ECharts instance of the chart (its option), never from pixels.
  return (await page.evaluate(`(() => {
    const canvas = document.querySelector('[data-chart="${key}"] [data-chart-canvas]');
    const chart = canvas && window.echarts && window.echarts.getInstanceByDom(canvas);
    const option = chart && chart.getOption();
    if (!option || !option.series) return [];
    return option.series
      .filter((s) => s.type === 'line')
      .map((s) => {
        const last = s.data.length > 0 ? s.data[s.data.length - 1][1] : null;
        return { name: s.name ?? '', last, faultAreas: s.markArea && s.markArea.data ? s.markArea.data.length : 0 };
      });
  })()`)) as DrawnSeries[];
}

async function chartUntil(
  key: string,
  ok: (series: DrawnSeries[]) => boolean,
  what: string,
  timeoutMs = LIVE_TIMEOUT_MS,
): Promise<DrawnSeries[]> {
  return waitFor(
    async () => {
      const series = await drawn(key);
      return series.length > 0 && ok(series) ? series : undefined;
    },
    async () => `the ${key} chart to show ${what}; it shows ${JSON.stringify(await drawn(key))}`,
    timeoutMs,
    500,
  );
}

/** Waits until every chart has drawn data (or said why not), so a screenshot shows them all. */
async function chartsDrawn(): Promise<void> {
  await waitFor(
    async () =>
      (await page.locator('[data-chart]:not([data-updated-at]):not([data-error])').count()) === 0
        ? true
        : undefined,
    () => 'every chart drawn',
    LIVE_TIMEOUT_MS,
    250,
  );
}

const pendingNow = (series: DrawnSeries[]) => series.find((s) => s.name === 'pending')?.last ?? 0;

async function orderIdsWithStatus(status: string): Promise<string[]> {
  const rows = page.locator(`[data-section="orders"] tr[data-status="${status}"]`);
  return (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order-id')))).filter(
    (id): id is string => id !== null,
  );
}

async function injectProviderDown(): Promise<void> {
  await page.locator('tr[data-fault="provider-down"] button.inject').click();
  await page.locator('tr[data-fault="provider-down"][data-state="active"]').waitFor();
}

/**
 * Opens `route` (an order's or a trace's page) and waits until its trace has spans of `services`
 * and, when `logs`, log lines.
 */
async function openTrace(route: string, services: readonly string[], logs: boolean): Promise<string> {
  await page.goto(`${consoleUrl}${route}`);
  const traceId = (await page.locator('[data-trace]').getAttribute('data-trace')) ?? '';
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  await waitFor(
    async () => {
      const shown = await page
        .locator('[data-trace-service]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-trace-service')));
      const lines = await page.locator('[data-log-trace-id]').count();
      if (services.every((s) => shown.includes(s)) && (!logs || lines > 0)) return true;
      await page.reload();
      return undefined;
    },
    async () =>
      `spans of ${services.join(', ')} and log lines on ${page.url()}: ${await page.locator('main').innerText()}`,
    TRACE_TIMEOUT_MS,
    2000,
  );
  return traceId;
}

test('a newcomer watches the charts, takes the provider down, sees the breaker open, pending orders rise and the page delivered, follows an order to its trace and logs, resets, and sees everything recover', async () => {
  await page.goto(consoleUrl);
  await page.locator('[data-demo-mode]').filter({ hasText: 'on' }).waitFor();
  // Every instance of the demo, up, from the real Prometheus.
  await page.locator('[data-section="health"] li[data-up="up"]').nth(5).waitFor({ timeout: LIVE_TIMEOUT_MS });

  // Healthy: the charts draw the dashboards' queries; every breaker closed (0), orders paid.
  await chartUntil('breakers', (s) => s.every((b) => b.last === 0), 'every breaker closed');
  await chartUntil('orders', (s) => s.some((o) => o.name === 'paid' && (o.last ?? 0) > 0), 'orders paid');
  await chartUntil('gateway-requests', (s) => s.some((r) => (r.last ?? 0) > 0), 'gateway requests');
  // Every order of the system is listed, the load generator's included, with its history.
  await page
    .locator('[data-section="orders"] tr[data-status="paid"]')
    .first()
    .waitFor({ timeout: LIVE_TIMEOUT_MS });
  expect(await page.locator('[data-section="orders"] [data-order-history]').first().innerText()).toMatch(
    /^pending .* UTC( → (paid|failed) .* UTC)?$/,
  );
  // The latency chart's exemplars (the request behind a point) lead to the same trace view.
  const exemplar = await waitFor(
    async () =>
      (await page.evaluate(`(() => {
        const canvas = document.querySelector('[data-chart="gateway-latency"] [data-chart-canvas]');
        const chart = canvas && window.echarts && window.echarts.getInstanceByDom(canvas);
        const option = chart && chart.getOption();
        const series = option && option.series ? option.series : [];
        const points = series.filter((s) => s.type === 'scatter').flatMap((s) => s.data);
        return points.length > 0 ? points[points.length - 1].href : undefined;
      })()`)) as string | undefined,
    () => 'an exemplar on the latency chart',
    LIVE_TIMEOUT_MS,
    500,
  );
  expect(exemplar).toMatch(/^\/traces\/[0-9a-f]{32}$/);
  await chartsDrawn();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'console-healthy.png'), fullPage: true });
  expect(await openTrace(exemplar, ['gateway'], false)).toBe(exemplar.split('/')[2]);
  await page.goto(consoleUrl);
  await chartUntil('breakers', (s) => s.every((b) => b.last === 0), 'every breaker closed');
  const healthyPending = pendingNow(await chartUntil('orders-pending', () => true, 'its data'));

  await injectProviderDown();
  expect(dialogs).toEqual(['Inject the fault "provider-down"?']);
  const faultAt = Date.now();

  // The breaker chart shows open (2), the fault is marked, pending orders rise.
  await chartUntil('breakers', (s) => s.some((b) => b.last === 2), 'a breaker open');
  await chartUntil('breakers', (s) => (s[0]?.faultAreas ?? 0) > 0, 'the fault marked');
  await chartUntil('orders-pending', (s) => pendingNow(s) >= healthyPending + 3, 'pending orders rising');

  // The page the pager accepted, within the alert's promise, with a runbook the console renders.
  const delivered = page.locator('[data-delivered-page="CircuitBreakerOpen"][data-action="trigger"]').first();
  await delivered.waitFor({ timeout: Math.max(1000, PAGE_TIMEOUT_MS - (Date.now() - faultAt)) });
  await chartsDrawn();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'console-provider-down.png'), fullPage: true });
  const runbook = (await delivered.locator('[data-page-runbook]').getAttribute('href')) ?? '';
  expect(runbook).toBe(`${consoleUrl}/runbooks/CircuitBreakerOpen.md`);
  await page.goto(runbook);
  await page
    .locator('[data-runbook-page="CircuitBreakerOpen"] h1')
    .filter({ hasText: 'CircuitBreakerOpen' })
    .waitFor();

  // Orders pending now, from the filtered list; one of them, clicked, shows its trace and logs.
  await page.goto(consoleUrl);
  await page.locator('[data-order-filter] select[name="status"]').selectOption('pending');
  await page.locator('[data-order-filter] button').click();
  await page.waitForURL(/status=pending/);
  const pending = await waitFor(
    async () => {
      const ids = await orderIdsWithStatus('pending');
      return ids.length >= 3 ? ids : undefined;
    },
    () => 'three pending orders in the filtered list',
    LIVE_TIMEOUT_MS,
    500,
  );
  expect(await page.locator('[data-section="orders"] tr[data-order-id]').count()).toBe(pending.length);
  const clicked = pending[pending.length - 1] ?? '';
  await page.locator(`tr[data-order-id="${clicked}"] [data-order-link]`).click();
  await page.locator(`[data-order-page="${clicked}"]`).waitFor();
  const traceId = await openTrace(
    `/orders/${clicked}`,
    ['gateway', 'order-service', 'payment-service'],
    true,
  );
  const logTraceIds = await page
    .locator('[data-log-trace-id]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-log-trace-id')));
  expect(new Set(logTraceIds)).toEqual(new Set([traceId]));
  await page.locator('[data-waterfall][data-drawn]').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'console-trace.png'), fullPage: true });

  // Reset: the breakers close on the chart, pending falls back, every order that was pending is paid.
  await page.goto(consoleUrl);
  await page.locator('[data-reset]').click();
  await page.locator('tr[data-fault="provider-down"][data-state="inactive"]').waitFor();
  expect(dialogs).toEqual([
    'Inject the fault "provider-down"?',
    'Clear every fault (npm run chaos -- reset)?',
  ]);
  await chartUntil('breakers', (s) => s.every((b) => b.last === 0), 'every breaker closed again');
  await chartUntil('orders-pending', (s) => pendingNow(s) <= healthyPending + 2, 'pending orders back down');
  // Every order that was pending completes: paid, or failed only because its card was declined
  // (the load generator sends a share of those on purpose); none stays pending or is given up.
  const outcomes = await Promise.all(
    pending.map((orderId) =>
      waitFor(
        async () => {
          const html = await (await fetch(`${consoleUrl}/orders/${orderId}`)).text();
          const status = /data-status='(\w+)'/.exec(html)?.[1];
          const reason = /data-failure-reason='([^']*)'/.exec(html)?.[1];
          return status === 'pending' ? undefined : `${status}${reason ? ` ${reason}` : ''}`;
        },
        () => `order ${orderId} to complete`,
        LIVE_TIMEOUT_MS,
        500,
      ),
    ),
  );
  expect(outcomes.filter((o) => o !== 'paid' && o !== 'failed card_declined')).toEqual([]);
  expect(outcomes).toContain('paid');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'console-recovered.png'), fullPage: true });
}, 420_000);

test('without script, the order list, its filter, an order page, the faults and the pages work, and bad input is answered in words', async () => {
  if (!browser) throw new Error('the browser did not start');
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const plain = await context.newPage();
    await plain.goto(consoleUrl);
    await plain.locator('[data-section="orders"] tr[data-order-id]').first().waitFor();
    await plain.locator('[data-order-filter] select[name="status"]').selectOption('paid');
    await plain.locator('[data-order-filter] button').click();
    await plain.waitForURL(/status=paid/);
    const statuses = await plain
      .locator('[data-section="orders"] tr[data-order-id]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['paid']));
    // The pages the pager accepted are listed (or the list says there is none yet).
    await plain.locator('[data-section="alerts"] h3').filter({ hasText: 'Delivered pages' }).waitFor();
    expect(
      await plain.locator('[data-delivered-page], [data-section="alerts"] ul.delivered li.empty').count(),
    ).toBeGreaterThan(0);

    await plain.locator('[data-order-link]').first().click();
    await plain.locator('[data-order-page] [data-history-status="paid"]').waitFor();
    await plain.locator('[data-span-table], [data-trace-message]').first().waitFor();

    await plain.goto(consoleUrl);
    await plain.locator('tr[data-fault="provider-slow"] button.inject').click();
    await plain.locator('[data-question]').filter({ hasText: 'Inject the fault "provider-slow"?' }).waitFor();
    await plain.locator('[data-confirm-button]').click();
    await plain.locator('tr[data-fault="provider-slow"][data-state="active"]').waitFor();
    await plain.locator('tr[data-fault="provider-slow"] button.clear').click();
    await plain.locator('[data-question]').filter({ hasText: 'Clear the fault "provider-slow"?' }).waitFor();
    await plain.locator('[data-confirm-button]').click();
    await plain.locator('tr[data-fault="provider-slow"][data-state="inactive"]').waitFor();

    const unknown = await plain.goto(`${consoleUrl}/orders/${randomUUID()}`);
    expect(unknown?.status()).toBe(404);
    expect(await plain.locator('[data-message]').innerText()).toMatch(/knows no order with the id/);
    const malformed = await plain.goto(`${consoleUrl}/traces/not-a-trace`);
    expect(malformed?.status()).toBe(400);
    expect(await plain.locator('[data-message]').innerText()).toMatch(/32 lowercase hex digits/);
  } finally {
    await context.close();
  }
}, 120_000);
