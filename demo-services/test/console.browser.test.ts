/**
 * The console in a real browser (Debian's Chromium through playwright-core, headless) on the
 * real demo as `npm run demo` starts it (`startDemo`: instrumented child processes behind
 * HAProxy, Prometheus, Alertmanager), on free ports and names of its own, with the console
 * started as the demo would start it (`startConsole` with `demoChaos`) and a strict OTLP
 * receiver standing in for Jaeger. The test clicks what a presenter clicks: place an order and
 * see it paid (its trace link names the trace the services exported), inject provider-down,
 * see a breaker open (read from Prometheus) while new orders stay pending and CircuitBreakerOpen
 * would have paged (read from Alertmanager), reset, and see them paid; with script off, confirm
 * a fault on the confirmation page. Screenshots go to demo-services/console/screenshots/.
 */
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { demoChaos } from '../console/demoChaos.ts';
import { startConsole, type RunningConsole } from '../console/server.ts';
import { isolatedDemo, removeIsolatedDemo, type IsolatedDemo } from '../demo/isolation.ts';
import { DEMO_START_TIMEOUT_MS } from '../demo/waitUntil.ts';
import { startDemo, type RunningDemo } from '../demo/startDemo.ts';
import { startOtlpTraceReceiver, type NormalisedSpan, type OtlpTraceReceiver } from '../../testing/index.ts';

const CHROMIUM = '/usr/bin/chromium';
// The committed pictures are refreshed only on request, so a test run leaves the tree clean.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? path.resolve('demo-services/console/screenshots')
  : path.resolve('test-output/console-screenshots');
/** Prometheus scrapes the demo every 5 s; payments are redelivered every 2 s. */
const LIVE_TIMEOUT_MS = 60_000;
/** CircuitBreakerOpen's `for: 30s`, plus scrape and evaluation every 5 s. */
const ALERT_TIMEOUT_MS = 90_000;

let isolation: IsolatedDemo;
let traces: OtlpTraceReceiver | undefined;
let demo: RunningDemo | undefined;
let consoleServer: RunningConsole | undefined;
let browser: Browser | undefined;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  isolation = await isolatedDemo('console');
  const { ports } = isolation;
  traces = await startOtlpTraceReceiver();
  demo = await startDemo({
    ...isolation,
    otlpEndpoint: traces.url,
    prometheusBuild: 'pinned',
    load: false,
    // A long outage must not exhaust the delivery budget (and dead-letter the orders) while the
    // test waits for the alert; every other setting is the demo's own.
    baseEnv: { ...process.env, MAX_DELIVERIES: '1000' },
    print: () => undefined,
  });
  consoleServer = await startConsole({
    config: {
      port: 0,
      gatewayUrl: `http://127.0.0.1:${ports.loadBalancer}`,
      prometheusUrl: `http://127.0.0.1:${ports.prometheus}`,
      alertmanagerUrl: `http://127.0.0.1:${ports.alertmanager}`,
      demoMode: true,
    },
    chaos: demoChaos({
      providerUrl: `http://127.0.0.1:${ports.paymentProvider}`,
      redisProxy: demo.redisProxy,
      amqpProxy: demo.amqpProxy,
      processes: demo.processes,
    }),
  });
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
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await consoleServer?.close();
  await demo?.stop();
  await traces?.close();
  if (isolation) await removeIsolatedDemo(isolation);
}, DEMO_START_TIMEOUT_MS);

/** Ids of the order rows, newest first. */
async function orderIds(): Promise<string[]> {
  const rows = page.locator('[data-section="orders"] tr[data-order-id]');
  return (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order-id')))).filter(
    (id): id is string => id !== null,
  );
}

function orderRow(orderId: string, status: string) {
  return page.locator(`[data-section="orders"] tr[data-order-id="${orderId}"][data-status="${status}"]`);
}

async function placeOrders(count: number): Promise<string[]> {
  const before = new Set(await orderIds());
  await page.locator('form.place input[name="count"]').fill(String(count));
  await page.locator('[data-place-order]').click();
  await page
    .locator('[data-notice]')
    .filter({ hasText: `Placed ${count} order(s).` })
    .waitFor();
  const placed = (await orderIds()).filter((id) => !before.has(id));
  expect(placed).toHaveLength(count);
  return placed;
}

test('a presenter places an order, takes the provider down, sees the breaker open, orders pending and the page, resets, and sees them paid', async () => {
  if (!consoleServer) throw new Error('the console did not start');
  await page.goto(consoleServer.url);
  await page.locator('[data-demo-mode]').filter({ hasText: 'on' }).waitFor();
  // Every instance of the demo, up, from the real Prometheus.
  await page.locator('[data-section="health"] li[data-up="up"]').nth(5).waitFor({ timeout: LIVE_TIMEOUT_MS });

  // Healthy: an order goes from pending to paid while the page polls.
  const [first] = await placeOrders(1);
  await orderRow(first ?? '', 'paid').waitFor({ timeout: LIVE_TIMEOUT_MS });
  // Its Jaeger link names the trace the services exported for it: spans of the gateway and of
  // the order service, received by the stand-in trace backend.
  const traceHref = await orderRow(first ?? '', 'paid')
    .locator('[data-trace-link]')
    .getAttribute('href');
  const traceId = /\/trace\/([0-9a-f]{32})$/.exec(traceHref ?? '')?.[1] ?? '';
  expect(traceHref).toBe(`http://localhost:16686/trace/${traceId}`);
  const servicesOf = (spans: readonly NormalisedSpan[]) =>
    new Set(spans.filter((s) => s.traceId === traceId).map((s) => String(s.resource['service.name'])));
  const spans = await traces?.waitForSpans(
    (all) => servicesOf(all).has('gateway') && servicesOf(all).has('order-service'),
    { timeoutMs: LIVE_TIMEOUT_MS },
  );
  expect([...servicesOf(spans ?? [])]).toEqual(expect.arrayContaining(['gateway', 'order-service']));

  // Take the provider down, after a confirmation.
  await page.locator('tr[data-fault="provider-down"] button.inject').click();
  await page.locator('tr[data-fault="provider-down"][data-state="active"]').waitFor();
  expect(dialogs).toEqual(['Inject the fault "provider-down"?']);

  // New orders are accepted but stay pending; a breaker, read from Prometheus, opens.
  const during = await placeOrders(4);
  await page
    .locator('[data-breaker="payment-provider"][data-breaker-state="open"]')
    .first()
    .waitFor({ timeout: LIVE_TIMEOUT_MS });
  for (const orderId of during) await orderRow(orderId, 'pending').waitFor();

  // The breaker stays open past the rule's 30 s: CircuitBreakerOpen fires in Alertmanager and,
  // critical and routed to the pager, is shown as would-have-paged with its runbook.
  const paged = page.locator('[data-paged-alert="CircuitBreakerOpen"]').first();
  await paged.waitFor({ timeout: ALERT_TIMEOUT_MS });
  expect(await paged.locator('a').getAttribute('href')).toMatch(/\/runbooks\/CircuitBreakerOpen\.md$/);
  for (const orderId of during) await orderRow(orderId, 'pending').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'console-provider-down.png'), fullPage: true });

  // Reset every fault: the redelivered orders are paid and the breakers close.
  await page.locator('[data-reset]').click();
  await page.locator('tr[data-fault="provider-down"][data-state="inactive"]').waitFor();
  expect(dialogs).toEqual([
    'Inject the fault "provider-down"?',
    'Clear every fault (npm run chaos -- reset)?',
  ]);
  for (const orderId of during) await orderRow(orderId, 'paid').waitFor({ timeout: LIVE_TIMEOUT_MS });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'console-recovered.png'), fullPage: true });
}, 240_000);

test('without script, a fault is confirmed on a page of its own, then injected and cleared', async () => {
  if (!browser || !consoleServer) throw new Error('the console did not start');
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const plain = await context.newPage();
    await plain.goto(consoleServer.url);
    await plain.locator('tr[data-fault="provider-slow"] button.inject').click();
    await plain.locator('[data-question]').filter({ hasText: 'Inject the fault "provider-slow"?' }).waitFor();
    await plain.locator('[data-confirm-button]').click();
    await plain.locator('tr[data-fault="provider-slow"][data-state="active"]').waitFor();

    await plain.locator('tr[data-fault="provider-slow"] button.clear').click();
    await plain.locator('[data-question]').filter({ hasText: 'Clear the fault "provider-slow"?' }).waitFor();
    await plain.locator('[data-confirm-button]').click();
    await plain.locator('tr[data-fault="provider-slow"][data-state="inactive"]').waitFor();
  } finally {
    await context.close();
  }
});
