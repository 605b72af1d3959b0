/**
 * Nothing accepted is lost under hostile load: the demo as `npm run demo` runs it (child
 * processes under the instrumentation flag, behind HAProxy) takes ~20 s of valid orders (the
 * load generator, retrying 5xx with the same key) mixed with hostile requests generated from
 * the served OpenAPI document and the examples of issue 22 (5 MiB body, 5,000 items, NUL).
 * Every hostile request is a 4xx, every 202 order ends paid or failed with a reason, and the
 * gateways' `http_server_request_duration_seconds` counts no 5xx: the SLO error ratio is
 * unmoved by the 4xx.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { LoadGenerator } from '../load-generator/loadGenerator.ts';
import { send } from './support/fuzzRun.ts';
import type { OpenApiDocument } from './support/openApiOracle.ts';
import { violations } from './support/schemaArbitraries.ts';
import { isolatedDemoSuite } from './support/isolatedDemoSuite.ts';
import { waitFor } from './support/waitFor.ts';

const runningDemo = isolatedDemoSuite('hostile');

const RATE_PER_SECOND = 10;
const HOSTILE_REQUESTS = 200;
const VALID_ORDERS = 200;

interface Hostile {
  contentType: string;
  key: string | undefined;
  text: string;
}

/** The examples, then requests breaking one rule of the document, seeded. */
function hostileRequests(document: OpenApiDocument): Hostile[] {
  const valid = {
    customerId: 'cust-1',
    items: [{ sku: 'sku-mug', quantity: 1, unitPriceCents: 100 }],
    paymentToken: 'tok_x',
  };
  const json = (body: unknown): Hostile => ({
    contentType: 'application/json',
    key: randomUUID(),
    text: JSON.stringify(body),
  });
  const examples: Hostile[] = [
    json({ ...valid, items: Array.from({ length: 5000 }, () => valid.items[0]) }),
    json({ ...valid, customerId: 'x'.repeat(5 * 1024 * 1024) }),
    json({ ...valid, customerId: 'cust\u0000' }),
    json({ ...valid, paymentToken: 'tok\ud800' }),
    { contentType: 'application/json', key: undefined, text: JSON.stringify(valid) },
    { contentType: 'application/json', key: 'bad key', text: JSON.stringify(valid) },
    { contentType: 'application/json', key: randomUUID(), text: '{"customerId":' },
    { contentType: 'text/plain', key: randomUUID(), text: JSON.stringify(valid) },
  ];
  const schema = document.components.schemas.OrderRequest ?? {};
  const generated = fc.sample(fc.oneof(...violations(schema)), {
    numRuns: HOSTILE_REQUESTS - examples.length,
    seed: 22,
  });
  return [...examples, ...generated.map((v) => json(v.value))];
}

/** Sum of `http_server_request_duration_seconds_count` series whose status matches. */
async function requestCount(metricsUrl: string, status: RegExp): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('http_server_request_duration_seconds_count{')) continue;
    const code = /http_response_status_code="(\d+)"/.exec(line)?.[1] ?? '';
    if (status.test(code)) total += Number(line.split(' ')[1]);
  }
  return total;
}

/** Sends `requests` at `ratePerSecond`; resolves with every status (a network error is -1). */
async function sendAtRate(url: string, requests: Hostile[], ratePerSecond: number): Promise<number[]> {
  const answers: Array<Promise<number>> = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const next = requests[answers.length];
      if (!next) {
        clearInterval(timer);
        resolve();
        return;
      }
      answers.push(
        send(url, {
          method: 'POST',
          headers: { 'content-type': next.contentType, ...(next.key ? { 'idempotency-key': next.key } : {}) },
          body: next.text,
        }).then(
          (answer) => answer.status,
          () => -1,
        ),
      );
    }, 1000 / ratePerSecond);
  });
  return Promise.all(answers);
}

test('hostile requests mixed into the demo load are all 4xx, lose no accepted order and count no 5xx', async () => {
  const running = runningDemo();
  const api = running.urls.api as string;
  const document = (await (await fetch(`${api}/openapi.json`)).json()) as OpenApiDocument;
  const gateways = Object.entries(running.metricsUrls).filter(([name]) => name.startsWith('gateway-'));
  expect(gateways).toHaveLength(2);

  const generator = new LoadGenerator({
    targetUrl: api,
    ratePerSecond: RATE_PER_SECOND,
    declineRatio: 0.1,
    duplicateRatio: 0.05,
  });
  generator.start();
  let statuses: number[];
  try {
    statuses = await sendAtRate(`${api}/api/orders`, hostileRequests(document), RATE_PER_SECOND);
    await waitFor(
      () => (generator.stats.accepted >= VALID_ORDERS ? true : undefined),
      () => `${VALID_ORDERS} accepted orders; stats ${JSON.stringify(generator.stats)}`,
      60_000,
    );
  } finally {
    await generator.stop();
  }

  const unexpected = statuses.filter((status) => status < 400 || status >= 500);
  expect({ unexpected, count: statuses.length }).toEqual({ unexpected: [], count: HOSTILE_REQUESTS });
  expect(generator.stats).toMatchObject({ errors: 0, retries: 0, duplicateMismatches: 0 });

  const ids = generator.acceptedOrderIds();
  await waitFor(
    async () => {
      const { rows } = await running.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND (status = 'paid' OR (status = 'failed' AND failure_reason IS NOT NULL))",
        [ids],
      );
      return rows[0]?.n === ids.length ? true : undefined;
    },
    () => `all ${ids.length} accepted orders to end paid or failed with a reason`,
    60_000,
  );
  const { rows } = await running.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  expect(rows[0]?.n).toBe(ids.length);

  const serverErrors = await Promise.all(gateways.map(([, url]) => requestCount(url, /^5/)));
  const clientErrors = await Promise.all(gateways.map(([, url]) => requestCount(url, /^4/)));
  expect(serverErrors).toEqual([0, 0]);
  expect(clientErrors.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(HOSTILE_REQUESTS);
  const orderService = running.metricsUrls['order-service'] as string;
  expect(await requestCount(orderService, /^5/)).toBe(0);
}, 150_000);
