/**
 * A property-based fuzzer of the payment-provider simulator's API, generated from the JSON
 * Schemas of its zod request schemas: charges (valid, breaking one rule, bad keys, raw bodies)
 * and fault updates, a bounded seeded run. Never a 5xx while no fault is injected, never a
 * dropped connection, every 4xx JSON naming the field or limit, every accepted charge in the
 * ledger once per key with the amount first charged, every valid fault update applied as sent.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { z } from 'zod';
import {
  chargeBodySchema,
  createProviderApp,
  DECLINED_TOKEN_PREFIX,
  PROVIDER_MAX_BODY_BYTES,
  type ProviderState,
} from '../payment-provider/app.ts';
import { ChargeStore } from '../payment-provider/chargeStore.ts';
import { HEALTHY, faultsUpdateSchema } from '../payment-provider/faults.ts';
import { listen, type RunningServer } from '../shared/httpServer.ts';
import { idempotencyKeySchema } from '../shared/orderRequest.ts';
import { fuzz, send } from './support/fuzzRun.ts';
import { validValue, violations, type JsonSchema, type Violation } from './support/schemaArbitraries.ts';

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
const CHARGE = jsonSchema(chargeBodySchema);
const FAULTS = jsonSchema(faultsUpdateSchema);
const KEY = jsonSchema(idempotencyKeySchema);
const ajv = new Ajv2020({ strict: false });
const chargeValid = ajv.compile(CHARGE);
const faultsValid = ajv.compile(FAULTS);

let server: RunningServer;
let url: string;
const state: ProviderState = { faults: { ...HEALTHY }, store: new ChargeStore(), requests: 0 };

beforeAll(async () => {
  server = await listen(createProviderApp(state), 0, '127.0.0.1');
  url = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
});

type Case =
  | { kind: 'charge'; key: string | undefined; body: unknown; violation?: Violation }
  | { kind: 'raw'; contentType: string; text: string; expected: number }
  | { kind: 'faults'; body: unknown; violation?: Violation };

function cases(): fc.Arbitrary<Case> {
  const key = fc.oneof(
    { weight: 8, arbitrary: validValue(KEY) as fc.Arbitrary<string> },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'has space', 'k'.repeat(201), 'semi;colon') },
  );
  const charge = fc.oneof(
    fc.record({ kind: fc.constant('charge' as const), key, body: validValue(CHARGE) }),
    fc
      .tuple(key, fc.oneof(...violations(CHARGE)))
      .map(([k, violation]) => ({ kind: 'charge' as const, key: k, body: violation.value, violation })),
  );
  const raw = fc.oneof(
    fc.constant({ contentType: 'application/json', text: '{"amountCents":', expected: 400 }),
    fc.integer({ min: PROVIDER_MAX_BODY_BYTES, max: 4 * PROVIDER_MAX_BODY_BYTES }).map((n) => ({
      contentType: 'application/json',
      text: JSON.stringify({ amountCents: 1, token: 't'.repeat(n) }),
      expected: 413,
    })),
    fc.constant({ contentType: 'application/json; charset=latin1', text: '{}', expected: 415 }),
  );
  const faults = fc.oneof(
    validValue(FAULTS).map((body) => ({ kind: 'faults' as const, body })),
    fc
      .oneof(...violations(FAULTS))
      .map((violation) => ({ kind: 'faults' as const, body: violation.value, violation })),
  );
  return fc.oneof(
    { weight: 6, arbitrary: charge },
    { weight: 1, arbitrary: raw.map((r) => ({ kind: 'raw' as const, ...r })) },
    { weight: 2, arbitrary: faults },
  );
}

function expectClientError(answer: Awaited<ReturnType<typeof send>>, status: number, field?: string): void {
  expect(answer.contentType).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { field?: unknown };
  expect({ status: answer.status, field: body.field }).toEqual({
    status,
    field: field ?? expect.any(String),
  });
}

/** The amount first charged under each key: the ledger must keep it. */
const charged = new Map<string, number>();

async function checkCharge(key: string | undefined, body: unknown, violation?: Violation): Promise<void> {
  const answer = await send(`${url}/v1/charges`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });
  expect(answer.status).toBeLessThan(500);
  // The JSON parser (strict: an object or an array) answers before the route reads the key.
  if (typeof body !== 'object' || body === null) return expectClientError(answer, 400, 'body');
  if (!idempotencyKeySchema.safeParse(key ?? '').success)
    return expectClientError(answer, 400, 'Idempotency-Key');
  if (!chargeValid(body)) return expectClientError(answer, 400, violation?.field);
  const request = body as { amountCents: number; token: string };
  if (request.token.startsWith(DECLINED_TOKEN_PREFIX)) {
    expect(answer.status).toBe(402);
    return;
  }
  const first = charged.get(key as string);
  expect(answer.status).toBe(first === undefined ? 201 : 200);
  if (first === undefined) charged.set(key as string, request.amountCents);
  expect(JSON.parse(answer.text)).toMatchObject({
    amountCents: first ?? request.amountCents,
    status: 'succeeded',
  });
}

async function checkFaults(body: unknown, violation?: Violation): Promise<void> {
  const before = { ...state.faults };
  const answer = await send(`${url}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  try {
    expect(answer.status).toBeLessThan(500);
    if (!faultsValid(body)) {
      expectClientError(answer, 400, violation?.field);
      expect(state.faults).toEqual(before);
      return;
    }
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ ...before, ...(body as object) });
  } finally {
    // Faults stay off for the charges that follow.
    expect((await send(`${url}/admin/faults/reset`, { method: 'POST' })).status).toBe(200);
  }
}

async function check(c: Case): Promise<void> {
  if (c.kind === 'charge') return checkCharge(c.key, c.body, c.violation);
  if (c.kind === 'faults') return checkFaults(c.body, c.violation);
  const answer = await send(`${url}/v1/charges`, {
    method: 'POST',
    headers: { 'content-type': c.contentType, 'idempotency-key': 'raw-key' },
    body: c.text,
  });
  expectClientError(answer, c.expected);
}

test('the payment provider answers generated charges and fault updates without a 5xx', async () => {
  await fuzz('payment provider', fc.asyncProperty(cases(), check), 200);
  expect(charged.size).toBeGreaterThan(10);
  const ledger = await send(`${url}/admin/charges`, { method: 'GET' });
  const { charges } = JSON.parse(ledger.text) as {
    charges: Array<{ idempotencyKey: string; amountCents: number }>;
  };
  expect(new Map(charges.map((c) => [c.idempotencyKey, c.amountCents]))).toEqual(charged);
});
