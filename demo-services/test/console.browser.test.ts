/**
 * The console in a real browser (Debian's Chromium through playwright-core, headless) on a
 * real stack: gateway, order service, payment service and provider simulator on the machine's
 * PostgreSQL, Redis and RabbitMQ (`console-support/stack.ts`), their metrics scraped by a real
 * Prometheus, alerts from a real Alertmanager. The test clicks what a presenter clicks: place an
 * order, inject provider-down, watch the breaker open while new orders stay pending, reset,
 * and watch them get paid. Screenshots go to demo-services/console/screenshots/.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderAlertmanagerConfig } from '@faultline/alerts';
import { getMetricsRegistry } from '@faultline/instrumentation';
import { stringify } from 'yaml';
import { startConsole, type RunningConsole } from '../console/server.ts';
import {
  freePort,
  startAlertmanager,
  startPrometheus,
  type RunningProcess,
} from './console-support/processes.ts';
import { providerChaos } from './console-support/stackChaos.ts';
import { startConsoleStack, type ConsoleStack } from './console-support/stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve('demo-services/console/screenshots');
const LIVE_TIMEOUT_MS = 45_000;

let stack: ConsoleStack;
let metricsServer: Server;
let prometheus: RunningProcess;
let alertmanager: RunningProcess;
let console_: RunningConsole;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

async function serveMetrics(): Promise<{ server: Server; target: string }> {
  // The stack's services run in this process and share its Faultline registry.
  const server = createServer((_req, res) => {
    getMetricsRegistry()
      .render('prometheus')
      .then(
        (text) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(text);
        },
        (error: Error) => {
          res.writeHead(500);
          res.end(error.message);
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  stack = await startConsoleStack({ breakerResetMs: 2000 });
  const metrics = await serveMetrics();
  metricsServer = metrics.server;
  const deadEnd = `http://127.0.0.1:${await freePort()}`;
  [prometheus, alertmanager] = await Promise.all([
    startPrometheus(
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          {
            job_name: 'faultline-services',
            honor_labels: true,
            static_configs: [{ targets: [metrics.target], labels: { service: 'demo-stack' } }],
          },
        ],
      }),
    ),
    startAlertmanager((dir) => ({
      'routing-key': 'test-routing-key\n',
      'alertmanager.yml': renderAlertmanagerConfig({
        routingKeyFile: path.join(dir, 'routing-key'),
        pagerDutyUrl: `${deadEnd}/v2/enqueue`,
        heartbeatUrl: `${deadEnd}/heartbeat`,
        warningWebhookUrl: `${deadEnd}/warnings`,
      }),
    })),
  ]);
  console_ = await startConsole({
    config: {
      port: 0,
      host: '127.0.0.1',
      gatewayUrl: stack.gatewayUrl,
      prometheusUrl: prometheus.url,
      alertmanagerUrl: alertmanager.url,
      demoMode: true,
    },
    chaos: providerChaos(stack.providerUrl),
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
  await console_?.close();
  await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
  await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
  await stack?.stop();
});

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

test('a presenter places an order, takes the provider down, sees the breaker open and orders pending, resets, and sees them paid', async () => {
  await page.goto(console_.url);
  await page.locator('[data-demo-mode]').filter({ hasText: 'on' }).waitFor();

  // Healthy: an order goes from pending to paid while the page polls.
  const [first] = await placeOrders(1);
  await orderRow(first ?? '', 'paid').waitFor({ timeout: LIVE_TIMEOUT_MS });

  // Take the provider down, after a confirmation.
  await page.locator('tr[data-fault="provider-down"] button.inject').click();
  await page.locator('tr[data-fault="provider-down"][data-state="active"]').waitFor();
  expect(dialogs).toEqual(['Inject the fault "provider-down"?']);

  // New orders are accepted but stay pending; the breaker, read from Prometheus, opens.
  const during = await placeOrders(3);
  await page
    .locator('[data-breaker="payment-provider"][data-breaker-state="open"]')
    .first()
    .waitFor({ timeout: LIVE_TIMEOUT_MS });
  for (const orderId of during) await orderRow(orderId, 'pending').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'console-provider-down.png'), fullPage: true });

  // Reset every fault: the redelivered orders are paid and the breaker closes.
  await page.locator('[data-reset]').click();
  await page.locator('tr[data-fault="provider-down"][data-state="inactive"]').waitFor();
  expect(dialogs).toEqual([
    'Inject the fault "provider-down"?',
    'Clear every fault (npm run chaos -- reset)?',
  ]);
  for (const orderId of during) await orderRow(orderId, 'paid').waitFor({ timeout: LIVE_TIMEOUT_MS });
  await page
    .locator('[data-breaker="payment-provider"][data-breaker-state="closed"]')
    .first()
    .waitFor({ timeout: LIVE_TIMEOUT_MS });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'console-recovered.png'), fullPage: true });
  expect(await stack.statusCounts()).toEqual({ pending: 0, paid: 4, failed: 0 });
}, 180_000);
