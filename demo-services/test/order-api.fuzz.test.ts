/**
 * A property-based fuzzer of the order API, generated from the OpenAPI document the gateway
 * serves, against the real gateway → order-service → PostgreSQL stack. Valid orders, orders
 * breaking one rule of the document, bad keys, raw bodies (broken, oversize, wrong type) and
 * reads, a few hundred seeded cases: never a 5xx, never a dropped connection, every answer as
 * the document describes it, every 4xx naming the field, and every accepted order read back
 * exactly as sent (the same key and body give the same order, a different body 422).
 */
import fc from 'fast-check';
import { MAX_BODY_BYTES } from '../shared/orderRequest.ts';
import { fuzz, send } from './support/fuzzRun.ts';
import { OpenApiOracle, type OpenApiDocument } from './support/openApiOracle.ts';
import { validValue, violations, type Violation } from './support/schemaArbitraries.ts';
import { startStack, type Stack } from './support/stack.ts';

let stack: Stack;
let oracle: OpenApiOracle;

beforeAll(async () => {
  stack = await startStack({ payments: 1 });
  const document = await fetch(`${stack.gatewayUrl}/openapi.json`).then((r) => r.json());
  oracle = new OpenApiOracle(document as OpenApiDocument);
});

afterAll(async () => {
  await stack?.stop();
});

type Body = { customerId: string; items: unknown[]; paymentToken: string };

type Case =
  | { kind: 'order'; key: string; body: unknown; violation?: Violation }
  | { kind: 'bad-key'; key: string | undefined; body: Body }
  | { kind: 'raw'; contentType: string; text: string; expected: number[] }
  | { kind: 'read'; path: string };

const FORBIDDEN_KEY_CHARACTERS = [' ', '"', ',', ';', '<', '@', '!', '%', '\\', '{', 'é', '*'];

function cases(): fc.Arbitrary<Case> {
  const keySchema = oracle.document.components.parameters.IdempotencyKey?.schema ?? {};
  const key = validValue(keySchema) as fc.Arbitrary<string>;
  const body = validValue(oracle.schema('OrderRequest')) as fc.Arbitrary<Body>;
  const order = fc.record({ kind: fc.constant('order' as const), key, body });
  const broken = fc
    .tuple(key, fc.oneof(...violations(oracle.schema('OrderRequest'))))
    .map(([k, violation]) => ({ kind: 'order' as const, key: k, body: violation.value, violation }));
  const badKey = fc.record({
    kind: fc.constant('bad-key' as const),
    key: fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.integer({ min: 201, max: 400 }).map((n) => 'k'.repeat(n)),
      fc
        .tuple(key, fc.constantFrom(...FORBIDDEN_KEY_CHARACTERS))
        .map(([k, bad]) => `${k.slice(0, 100)}${bad}${k.slice(0, 1) || 'k'}`),
    ),
    body,
  });
  const raw = fc.oneof(
    body.map((b) => ({
      contentType: 'application/json',
      text: JSON.stringify(b).slice(0, -1),
      expected: [400],
    })),
    body.map((b) => ({ contentType: 'text/plain', text: JSON.stringify(b), expected: [415] })),
    body.map((b) => ({
      contentType: 'application/json; charset=latin1',
      text: JSON.stringify(b),
      expected: [415],
    })),
    fc.integer({ min: MAX_BODY_BYTES, max: 3 * MAX_BODY_BYTES }).map((n) => ({
      contentType: 'application/json',
      text: JSON.stringify({ customerId: 'c'.repeat(n), items: [], paymentToken: 't' }),
      expected: [413],
    })),
    fc.integer({ min: 1, max: 20_000 }).map((n) => ({
      contentType: 'application/json',
      text: '['.repeat(n) + ']'.repeat(n),
      expected: [400],
    })),
    fc.jsonValue({ maxDepth: 3 }).map((value) => ({
      contentType: 'application/json',
      text: JSON.stringify(value) ?? 'null',
      expected: [400],
    })),
  );
  const read = fc.oneof(
    fc.uuid().map((id) => `/api/orders/${id}`),
    fc.string({ unit: 'grapheme', maxLength: 80 }).map((s) => `/api/orders/${encodeURIComponent(s) || 'x'}`),
    fc.constantFrom('/api/orders/%zz', '/api/orders/%00', '/api/orders/..%2F..%2Fetc'),
  );
  return fc.oneof(
    { weight: 4, arbitrary: order },
    { weight: 5, arbitrary: broken },
    { weight: 1, arbitrary: badKey },
    { weight: 1, arbitrary: raw.map((r) => ({ kind: 'raw' as const, ...r })) },
    { weight: 1, arbitrary: read.map((path) => ({ kind: 'read' as const, path })) },
  );
}

function post(key: string | undefined, contentType: string, text: string) {
  return send(`${stack.gatewayUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: text,
  });
}

function expectDocumented(method: string, path: string, answer: Awaited<ReturnType<typeof send>>): void {
  expect(oracle.problems(method, path, answer)).toEqual([]);
  expect(answer.status).toBeLessThan(500);
}

/** Canonical text of a body: keys sorted at every level. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** What each accepted key was sent with: the model the answers are checked against. */
const accepted = new Map<string, { body: string; orderId: string }>();

async function expectReadBack(orderId: string, body: Body): Promise<void> {
  const answer = await send(`${stack.gatewayUrl}/api/orders/${orderId}`, { method: 'GET' });
  expectDocumented('get', '/api/orders/{id}', answer);
  const view = JSON.parse(answer.text) as Record<string, unknown>;
  const amount = (body.items as Array<{ quantity: number; unitPriceCents: number }>).reduce(
    (sum, item) => sum + item.quantity * item.unitPriceCents,
    0,
  );
  expect({
    status: answer.status,
    customerId: view.customerId,
    items: view.items,
    amountCents: view.amountCents,
  }).toEqual({
    status: 200,
    customerId: body.customerId,
    items: body.items,
    amountCents: amount,
  });
  const { rows } = await stack.pool.query<{ payment_token: string }>(
    'SELECT payment_token FROM orders WHERE id = $1',
    [orderId],
  );
  expect(rows[0]?.payment_token).toBe(body.paymentToken);
}

async function checkOrder(key: string, body: unknown, violation: Violation | undefined): Promise<void> {
  const text = JSON.stringify(body);
  const answer = await post(key, 'application/json', text);
  expectDocumented('post', '/api/orders', answer);
  const reply = JSON.parse(answer.text) as Record<string, unknown>;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    expect(answer.status).toBe(413);
    return;
  }
  if (!oracle.valid('OrderRequest', body)) {
    expect({ status: answer.status, field: reply.field, rule: violation?.rule }).toEqual({
      status: 400,
      field: violation?.field ?? expect.any(String),
      rule: violation?.rule,
    });
    return;
  }
  const before = accepted.get(key);
  if (before && before.body !== canonical(body)) {
    expect({ status: answer.status, field: reply.field }).toEqual({ status: 422, field: 'Idempotency-Key' });
    return;
  }
  expect(answer.status).toBe(202);
  const orderId = reply.orderId as string;
  if (before) expect(orderId).toBe(before.orderId);
  else accepted.set(key, { body: canonical(body), orderId });
  await expectReadBack(orderId, body as Body);
}

async function check(c: Case): Promise<void> {
  switch (c.kind) {
    case 'order':
      return checkOrder(c.key, c.body, c.violation);
    case 'bad-key': {
      const answer = await post(c.key, 'application/json', JSON.stringify(c.body));
      expectDocumented('post', '/api/orders', answer);
      expect({ status: answer.status, field: JSON.parse(answer.text).field }).toEqual({
        status: 400,
        field: 'Idempotency-Key',
      });
      return;
    }
    case 'raw': {
      const answer = await post('fuzz-raw-key', c.contentType, c.text);
      expectDocumented('post', '/api/orders', answer);
      expect(c.expected).toContain(answer.status);
      expect(JSON.parse(answer.text).field).toEqual(expect.any(String));
      return;
    }
    case 'read': {
      const answer = await send(`${stack.gatewayUrl}${c.path}`, { method: 'GET' });
      expectDocumented('get', '/api/orders/{id}', answer);
      expect([400, 404]).toContain(answer.status);
      return;
    }
  }
}

test('the order API answers a few hundred generated requests as its OpenAPI document says', async () => {
  await fuzz('order API', fc.asyncProperty(cases(), check), 300);
  // The run exercised both sides of the contract.
  expect(accepted.size).toBeGreaterThan(20);
  const { rows } = await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  expect(rows[0]?.n).toBe(accepted.size);
});

test('the other documented operations answer as documented', async () => {
  for (const path of ['/healthz', '/readyz', '/openapi.json'])
    expectDocumented('get', path, await send(`${stack.gatewayUrl}${path}`, { method: 'GET' }));
  const unknown = await send(`${stack.gatewayUrl}/api/nothing`, { method: 'POST' });
  expect({ status: unknown.status, body: JSON.parse(unknown.text) }).toEqual({
    status: 404,
    body: { error: 'not_found', field: 'path', message: 'no such route' },
  });
});
