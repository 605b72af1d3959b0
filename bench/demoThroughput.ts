/**
 * Part 3, demo throughput: orders per second accepted by the load balancer and paid through the
 * whole demo (HAProxy → gateways → order-service → PostgreSQL → outbox → RabbitMQ →
 * payment-services → provider simulator), with the p99 of acceptance, healthy and with the
 * provider down. It starts the real demo through `startDemo` (every service instrumented with
 * Faultline, traces to the bench's sink) on free ports, its own database, queue and key names,
 * and removes all of them afterwards.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

/** One scenario's figures. */
export interface DemoScenario {
  readonly name: 'healthy' | 'provider down';
  readonly acceptedPerSecond: number;
  readonly acceptP99Ms: number;
  /** Orders that reached `paid` during the window, per second. */
  readonly paidPerSecond: number;
  /** Orders still pending at the end of the window. */
  readonly pendingAtEnd: number;
  readonly errors: number;
}

/** Part 3's outcome. */
export type DemoResult =
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'ran'; readonly scenarios: readonly DemoScenario[] };

type StartDemoModule = typeof import('../demo-services/demo/startDemo.ts');
type RunningDemo = Awaited<ReturnType<StartDemoModule['startDemo']>>;

function placeOrders(apiUrl: string, durationS: number, connections: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${apiUrl}/api/orders`,
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

async function counts(demo: RunningDemo): Promise<{ paid: number; pending: number }> {
  const { rows } = await demo.pool.query<{ paid: string; pending: string }>(
    "SELECT count(*) FILTER (WHERE status = 'paid') AS paid, count(*) FILTER (WHERE status = 'pending') AS pending FROM orders",
  );
  return { paid: Number(rows[0]?.paid ?? 0), pending: Number(rows[0]?.pending ?? 0) };
}

async function setProviderDown(demo: RunningDemo, down: boolean): Promise<void> {
  const url = demo.urls['payment-provider admin'];
  if (url === undefined) throw new Error('the demo did not report its payment-provider admin URL');
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ down }),
  });
  if (!response.ok) throw new Error(`provider fault switch answered ${response.status}`);
}

async function scenario(
  demo: RunningDemo,
  name: DemoScenario['name'],
  durationS: number,
  connections: number,
): Promise<DemoScenario> {
  await setProviderDown(demo, name === 'provider down');
  const before = await counts(demo);
  const result = await placeOrders(demo.urls.api!, durationS, connections);
  const after = await counts(demo);
  return {
    name,
    acceptedPerSecond: (result['2xx'] ?? 0) / result.duration,
    acceptP99Ms: result.latency.p99,
    paidPerSecond: (after.paid - before.paid) / result.duration,
    pendingAtEnd: after.pending,
    errors: result.errors + result.non2xx,
  };
}

/** Options of {@link runDemoThroughput}. */
export interface DemoRunOptions {
  readonly root: string;
  readonly durationS: number;
  readonly otlpUrl: string;
  readonly connections?: number;
  readonly log: (line: string) => void;
}

/** Runs both scenarios against a fresh demo. */
export async function runDemoThroughput(options: DemoRunOptions): Promise<DemoResult> {
  const { root } = options;
  const { startDemo } = (await import(
    pathToFileURL(join(root, 'demo-services/demo/startDemo.ts')).href
  )) as StartDemoModule;
  const { isolatedDemo, removeIsolatedDemo } = (await import(
    pathToFileURL(join(root, 'demo-services/demo/isolation.ts')).href
  )) as typeof import('../demo-services/demo/isolation.ts');
  const isolation = await isolatedDemo('bench');
  let demo: RunningDemo | undefined;
  try {
    demo = await startDemo({
      ...isolation,
      root,
      load: false,
      observability: false,
      otlpEndpoint: options.otlpUrl,
      baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME },
      print: () => undefined,
    });
    const connections = options.connections ?? 10;
    const scenarios: DemoScenario[] = [];
    for (const name of ['healthy', 'provider down'] as const) {
      const s = await scenario(demo, name, options.durationS, connections);
      options.log(
        `  demo ${name.padEnd(13)} ${s.acceptedPerSecond.toFixed(0)} orders/s accepted (p99 ${s.acceptP99Ms} ms), ` +
          `${s.paidPerSecond.toFixed(0)} paid/s, ${s.pendingAtEnd} pending`,
      );
      scenarios.push(s);
    }
    await setProviderDown(demo, false);
    return { status: 'ran', scenarios };
  } finally {
    await demo?.stop();
    await removeIsolatedDemo(isolation);
  }
}
