/**
 * The demo's page, delivered: the demo's own stack (`startDemo` with the pinned Prometheus and
 * Alertmanager, observability and its console on, isolated names and ports) takes the provider
 * down; CircuitBreakerOpen must reach the PagerDuty sink as an ACCEPTED trigger (the sink checks
 * the 32-character routing key Alertmanager reads from the demo's key file), the console must
 * list that delivery, and after reset an accepted resolve with the same dedup key must follow.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { demoChaos } from '../console/demoChaos.ts';
import type { AcceptedEvent } from '../console/sources/pagerSink.ts';
import { isolatedDemo, removeIsolatedDemo, type IsolatedDemo } from '../demo/isolation.ts';
import { DEMO_START_TIMEOUT_MS } from '../demo/waitUntil.ts';
import { startDemo, type RunningDemo } from '../demo/startDemo.ts';
import { waitFor } from './support/waitFor.ts';

/** Breaker open for the rule's 30 s, evaluation every 5 s, the demo's 10 s group wait. */
const PAGE_TIMEOUT_MS = 150_000;

let isolation: IsolatedDemo;
let demo: RunningDemo | undefined;

beforeAll(async () => {
  isolation = await isolatedDemo('paging');
  demo = await startDemo({
    ...isolation,
    prometheusBuild: 'pinned',
    observability: true,
    console: true,
    load: true,
    loadRatePerSecond: 4,
    // A long outage must not exhaust the delivery budget while the test waits for the page.
    baseEnv: { ...process.env, MAX_DELIVERIES: '1000' },
    print: () => undefined,
  });
}, 180_000);

afterAll(async () => {
  await demo?.stop();
  if (isolation) await removeIsolatedDemo(isolation);
}, DEMO_START_TIMEOUT_MS);

interface Accepted {
  readonly events: AcceptedEvent[];
  readonly webhooks: Array<{ path: string; body: { status?: string } }>;
}

async function acceptedAll(): Promise<Accepted> {
  const response = await fetch(`http://127.0.0.1:${isolation.ports.pagerDutySink}/accepted`);
  return (await response.json()) as Accepted;
}

async function accepted(): Promise<AcceptedEvent[]> {
  return (await acceptedAll()).events;
}

async function consolePage(): Promise<string> {
  return (await fetch(demo?.urls.console ?? '')).text();
}

function deliveredRow(action: string, dedupKey: string): RegExp {
  return new RegExp(
    `data-delivered-page='CircuitBreakerOpen' data-action='${action}' data-dedup-key='${dedupKey}'`,
  );
}

/** The link of an accepted event with the given text. */
function linkOf(accepted: AcceptedEvent, text: string): { href: string; text: string } | undefined {
  return (accepted.event as { links?: Array<{ href: string; text: string }> }).links?.find(
    (l) => l.text === text,
  );
}

async function sinkLog(): Promise<string> {
  return readFile(path.join(isolation.stateDir, 'logs', 'pagerduty-sink.log'), 'utf8');
}

test('provider-down pages CircuitBreakerOpen through the pager, the console lists the delivery, and reset resolves the same incident', async () => {
  if (!demo) throw new Error('the demo did not start');
  const key = (await readFile(path.join(isolation.stateDir, 'pagerduty-routing-key'), 'utf8')).trim();
  expect(key).toMatch(/^[0-9a-f]{32}$/);
  const chaos = demoChaos({
    providerUrl: `http://127.0.0.1:${isolation.ports.paymentProvider}`,
    redisProxy: demo.redisProxy,
    amqpProxy: demo.amqpProxy,
    processes: demo.processes,
  });

  await chaos.inject({ kind: 'provider-down' });
  const trigger = await waitFor(
    async () =>
      (await accepted()).find(
        (e) => e.event.event_action === 'trigger' && e.event.payload?.class === 'CircuitBreakerOpen',
      ),
    async () =>
      `an accepted CircuitBreakerOpen trigger; accepted: ${JSON.stringify(await accepted())}; sink log: ${await sinkLog()}`,
    PAGE_TIMEOUT_MS,
    500,
  );
  expect(trigger.dedup_key).not.toBe('');
  expect(trigger.event.payload).toMatchObject({ severity: 'critical', component: 'payment-service' });
  // Its runbook link opens a page the demo serves.
  const runbook = linkOf(trigger, 'Runbook');
  expect(runbook?.href).toBe(`${demo.urls.console}/runbooks/CircuitBreakerOpen.md`);
  const page = await fetch(runbook?.href ?? '');
  expect(page.status).toBe(200);
  expect((await page.text()).split('\n')[0]).toBe('# CircuitBreakerOpen');
  // Its dashboard link opens the dashboard's preview, served by the console (no Grafana here).
  const dashboard = linkOf(trigger, 'Dashboard');
  expect(dashboard?.href).toBe(`${demo.urls.console}/d/faultline-fault-tolerance`);
  const preview = await fetch(dashboard?.href ?? '');
  expect(preview.status).toBe(200);
  expect(preview.headers.get('content-type')).toBe('image/png');
  expect((await preview.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  // Its client link opens the demo's Alertmanager.
  expect((trigger.event as { client_url?: string }).client_url).toBe(
    `http://127.0.0.1:${isolation.ports.alertmanager}`,
  );
  await waitFor(
    async () => (deliveredRow('trigger', trigger.dedup_key).test(await consolePage()) ? true : undefined),
    () => 'the console to list the delivered trigger',
  );

  await chaos.reset();
  const resolve = await waitFor(
    async () =>
      (await accepted()).find((e) => e.event.event_action === 'resolve' && e.dedup_key === trigger.dedup_key),
    async () =>
      `an accepted resolve with dedup key ${trigger.dedup_key}; accepted: ${JSON.stringify(await accepted())}`,
    PAGE_TIMEOUT_MS,
    500,
  );
  expect(Date.parse(resolve.receivedAt)).toBeGreaterThan(Date.parse(trigger.receivedAt));
  await waitFor(
    async () => (deliveredRow('resolve', trigger.dedup_key).test(await consolePage()) ? true : undefined),
    () => 'the console to list the delivered resolve',
  );
  // The dead man's switch is fed too: Watchdog's heartbeat reaches its webhook (Prometheus
  // sends a firing alert again at least every minute, so it arrives within one resend).
  await waitFor(
    async () =>
      (await acceptedAll()).webhooks.some((w) => w.path === '/heartbeat' && w.body.status === 'firing')
        ? true
        : undefined,
    async () => `a Watchdog heartbeat; webhooks: ${JSON.stringify((await acceptedAll()).webhooks)}`,
    90_000,
    500,
  );
  // Every notification Alertmanager sent was accepted: none refused, the key among them.
  expect(await sinkLog()).not.toMatch(/rejected \(/);
}, 360_000);
