/**
 * Part 3, demo throughput: orders per second accepted by the gateway and paid through the whole
 * demo (gateway → PostgreSQL → outbox → RabbitMQ → payment-service → provider), with the p99 of
 * acceptance, healthy and with the payment provider down. It drives the demo's own
 * `startDemo(options)` (found under demo-services/demo/ or demo-services/scripts/); until that
 * exists the part reports itself as skipped.
 *
 * What is expected of the handle `startDemo` resolves with (read defensively, so small naming
 * differences do not break the bench): a gateway URL (`gatewayUrl` or `urls.gateway`), the
 * provider's URL (`providerUrl`, `provider.url` or `urls.provider`; its `PUT /admin/faults`
 * takes `{ "down": true }`), optionally `statusCounts()` → `{ paid }`, and `stop()`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

/** One scenario's figures. */
export interface DemoScenario {
  readonly name: 'healthy' | 'provider down';
  readonly acceptedPerSecond: number;
  readonly acceptP99Ms: number;
  /** Orders that reached `paid` during the window, per second (undefined: not observable). */
  readonly paidPerSecond: number | undefined;
  readonly errors: number;
}

/** Part 3's outcome. */
export type DemoResult =
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'ran'; readonly module: string; readonly scenarios: readonly DemoScenario[] };

interface DemoHandle {
  readonly gatewayUrl: string;
  readonly providerUrl: string | undefined;
  paidCount(): Promise<number | undefined>;
  stop(): Promise<void>;
}

type StartDemo = (options: Record<string, unknown>) => Promise<Record<string, unknown>>;

const DEFINITION = /export\s+(async\s+function|function|const)\s+startDemo\b/;

/** The module exporting `startDemo`, if the demo has one yet. */
export function findStartDemo(root: string): string | undefined {
  for (const dir of ['demo-services/demo', 'demo-services/scripts']) {
    const full = join(root, dir);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      if (DEFINITION.test(readFileSync(join(full, name), 'utf8'))) return join(full, name);
    }
  }
  return undefined;
}

function pick(object: Record<string, unknown>, paths: string[]): string | undefined {
  for (const path of paths) {
    let value: unknown = object;
    for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function adapt(raw: Record<string, unknown>): DemoHandle {
  const gatewayUrl = pick(raw, ['gatewayUrl', 'urls.gateway', 'gateway.url']);
  if (gatewayUrl === undefined)
    throw new Error('startDemo() resolved without a gateway URL (gatewayUrl or urls.gateway)');
  const statusCounts = raw.statusCounts as (() => Promise<{ paid?: number }>) | undefined;
  const stop = raw.stop as (() => Promise<void>) | undefined;
  return {
    gatewayUrl,
    providerUrl: pick(raw, ['providerUrl', 'provider.url', 'urls.provider', 'urls.paymentProvider']),
    paidCount: async () => (statusCounts ? (await statusCounts.call(raw)).paid : undefined),
    stop: async () => stop?.call(raw),
  };
}

async function setProviderDown(handle: DemoHandle, down: boolean): Promise<void> {
  if (handle.providerUrl === undefined) throw new Error('startDemo() handle has no provider URL');
  const response = await fetch(`${handle.providerUrl}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ down }),
  });
  if (!response.ok) throw new Error(`provider fault switch answered ${response.status}`);
}

function placeOrders(gatewayUrl: string, durationS: number, connections: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${gatewayUrl}/api/orders`,
        method: 'POST',
        connections,
        duration: durationS,
        idReplacement: true,
        headers: { 'content-type': 'application/json', 'idempotency-key': 'bench-[<id>]' },
        body: JSON.stringify({
          customerId: 'bench-[<id>]',
          items: [{ sku: 'sku-mug', quantity: 1, unitPriceCents: 1250 }],
          paymentToken: 'tok_visa',
        }),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function scenario(
  handle: DemoHandle,
  name: DemoScenario['name'],
  durationS: number,
  connections: number,
): Promise<DemoScenario> {
  await setProviderDown(handle, name === 'provider down');
  const paidBefore = await handle.paidCount();
  const result = await placeOrders(handle.gatewayUrl, durationS, connections);
  const paidAfter = await handle.paidCount();
  const accepted = result['2xx'] ?? 0;
  return {
    name,
    acceptedPerSecond: accepted / result.duration,
    acceptP99Ms: result.latency.p99,
    paidPerSecond:
      paidBefore === undefined || paidAfter === undefined
        ? undefined
        : (paidAfter - paidBefore) / result.duration,
    errors: result.errors + result.non2xx,
  };
}

/** Runs both scenarios against a fresh demo; skipped when the demo has no `startDemo` yet. */
export async function runDemoThroughput(
  root: string,
  durationS: number,
  connections = 10,
): Promise<DemoResult> {
  const module = findStartDemo(root);
  if (module === undefined) {
    return { status: 'skipped', reason: 'demo-services has no startDemo() under demo/ or scripts/ yet' };
  }
  const { startDemo } = (await import(pathToFileURL(module).href)) as { startDemo?: StartDemo };
  if (typeof startDemo !== 'function')
    return { status: 'skipped', reason: `${module} does not export startDemo` };
  const handle = adapt(await startDemo({}));
  try {
    const scenarios = [
      await scenario(handle, 'healthy', durationS, connections),
      await scenario(handle, 'provider down', durationS, connections),
    ];
    await setProviderDown(handle, false);
    return { status: 'ran', module: module.slice(root.length + 1), scenarios };
  } finally {
    await handle.stop();
  }
}
