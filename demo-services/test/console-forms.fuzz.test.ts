/**
 * A property-based fuzzer of the console's form endpoints (`POST /orders`, `POST /faults`):
 * generated forms mixing valid fields with hostile values, repeated fields, raw bodies and
 * foreign origins, a bounded seeded run against the console app with a scripted order API and
 * a recording chaos control. Never a 5xx, a dropped connection or a stack in an answer; a
 * foreign origin is 403, an oversize form 413 naming the limit; a valid order form places
 * exactly `count` orders, a confirmed valid fault form applies exactly one action, and an
 * invalid one applies nothing.
 */
import fc from 'fast-check';
import { ERROR_RATES, faultCatalogue, parseFaultForm } from '../console/faults.ts';
import { MAX_BURST } from '../console/orders.ts';
import { parseCount } from '../console/routes/orders.ts';
import { CONSOLE_MAX_FORM_BYTES } from '../console/server.ts';
import {
  RecordingChaos,
  startScriptedGateway,
  startTestConsole,
  type ScriptedGateway,
  type TestConsole,
} from './console-support/harness.ts';
import { fuzz, send } from './support/fuzzRun.ts';

let gateway: ScriptedGateway;
let consoleApp: TestConsole;
const chaos = new RecordingChaos();

beforeAll(async () => {
  gateway = await startScriptedGateway();
  consoleApp = await startTestConsole({
    prometheusUrl: 'http://127.0.0.1:9',
    alertmanagerUrl: 'http://127.0.0.1:9',
    gatewayUrl: gateway.url,
    demoMode: true,
    chaos,
  });
});

afterAll(async () => {
  await consoleApp?.close();
  await gateway?.close();
});

type Origin = 'same' | 'none' | 'foreign' | 'null' | 'garbage';

interface FormCase {
  route: '/orders' | '/faults';
  fields: Array<[string, string]>;
  origin: Origin;
  raw?: string;
}

const HOSTILE = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' 3', '0x10', '1e1', '-1', '51', '1.5', 'NaN', 'Infinity', '<script>', '\u0000', '%zz'),
);

function fieldValues(): Record<string, fc.Arbitrary<string>> {
  return {
    count: fc.oneof(fc.integer({ min: 1, max: MAX_BURST }).map(String), HOSTILE),
    declined: fc.oneof(fc.constant('yes'), HOSTILE),
    action: fc.oneof(fc.constantFrom('inject', 'clear', 'reset'), HOSTILE),
    kind: fc.oneof(fc.constantFrom(...faultCatalogue.map((f) => f.kind)), HOSTILE),
    rate: fc.oneof(fc.constantFrom(...ERROR_RATES.map(String)), HOSTILE),
    service: fc.oneof(fc.constantFrom(...chaos.killableServices), HOSTILE),
    confirmed: fc.oneof(fc.constant('yes'), HOSTILE),
  };
}

function cases(): fc.Arbitrary<FormCase> {
  const values = fieldValues();
  const field = fc.oneof(
    ...Object.entries(values).map(([name, value]) => value.map((v): [string, string] => [name, v])),
    fc.tuple(fc.string({ maxLength: 10 }), HOSTILE),
  );
  const form = fc.record({
    route: fc.constantFrom('/orders' as const, '/faults' as const),
    fields: fc.array(field, { maxLength: 8 }),
    origin: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Origin>('same') },
      { weight: 1, arbitrary: fc.constantFrom<Origin>('none', 'foreign', 'null', 'garbage') },
    ),
  });
  const raw = fc.record({
    route: fc.constantFrom('/orders' as const, '/faults' as const),
    fields: fc.constant<Array<[string, string]>>([]),
    origin: fc.constant<Origin>('same'),
    raw: fc.oneof(
      fc.constantFrom('%zz=%', '&&&==&', 'count=%FF%FE', '='.repeat(100)),
      fc
        .integer({ min: CONSOLE_MAX_FORM_BYTES, max: 3 * CONSOLE_MAX_FORM_BYTES })
        .map((n) => `count=${'1'.repeat(n)}`),
      fc.integer({ min: 60, max: 200 }).map((n) => Array.from({ length: n }, (_, i) => `f${i}=1`).join('&')),
    ),
  });
  // Forms as the page sends them, so valid actions are common enough to be checked too.
  const pageForm = fc.oneof(
    fc.record({
      route: fc.constant('/orders' as const),
      fields: fc
        .tuple(values.count as fc.Arbitrary<string>, fc.boolean())
        .map(([count, declined]) => [
          ['count', count] as [string, string],
          ...(declined ? [['declined', 'yes'] as [string, string]] : []),
        ]),
      origin: fc.constant<Origin>('same'),
    }),
    fc.record({
      route: fc.constant('/faults' as const),
      fields: fc
        .tuple(
          fc.constantFrom('inject', 'clear', 'reset'),
          fc.constantFrom(...faultCatalogue.map((f) => f.kind)),
          fc.constantFrom(...ERROR_RATES.map(String)),
          fc.constantFrom(...chaos.killableServices),
          fc.constantFrom('yes', 'no'),
        )
        .map(([action, kind, rate, service, confirmed]): Array<[string, string]> => [
          ['action', action],
          ['kind', kind],
          ['rate', rate],
          ['service', service],
          ['confirmed', confirmed],
        ]),
      origin: fc.constant<Origin>('same'),
    }),
  );
  return fc.oneof(
    { weight: 3, arbitrary: pageForm },
    { weight: 4, arbitrary: form },
    { weight: 1, arbitrary: raw },
  );
}

function originHeaders(origin: Origin): Record<string, string> {
  if (origin === 'same') return { origin: consoleApp.url };
  if (origin === 'foreign') return { origin: 'http://evil.test' };
  if (origin === 'null') return { origin: 'null' };
  if (origin === 'garbage') return { origin: 'not a url' };
  return {};
}

/** The form as express reads it: a repeated field becomes an array. */
function parsed(fields: Array<[string, string]>): Record<string, unknown> {
  const form: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(fields)) {
    const before = form[name];
    form[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return form;
}

async function check(c: FormCase): Promise<void> {
  const body = c.raw ?? new URLSearchParams(c.fields).toString();
  const postsBefore = gateway.posts.length;
  const callsBefore = chaos.calls.length;
  const answer = await send(`${consoleApp.url}${c.route}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...originHeaders(c.origin) },
    body,
  });
  expect(answer.status).toBeLessThan(500);
  expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  const applied = { posts: gateway.posts.length - postsBefore, calls: chaos.calls.length - callsBefore };
  if (c.origin !== 'same') {
    expect({ status: answer.status, ...applied }).toEqual({ status: 403, posts: 0, calls: 0 });
    return;
  }
  if (Buffer.byteLength(body) > CONSOLE_MAX_FORM_BYTES || answer.status === 413) {
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ field: 'body' });
    expect(applied).toEqual({ posts: 0, calls: 0 });
    return;
  }
  const form = c.raw === undefined ? parsed(c.fields) : undefined;
  if (c.route === '/orders') {
    expect(answer.status).toBe(303);
    if (form) expect(applied).toEqual({ posts: parseCount(form.count) ?? 0, calls: 0 });
    return;
  }
  const action = form ? parseFaultForm(form, chaos.killableServices) : undefined;
  const confirmed = form?.confirmed === 'yes';
  expect(answer.status).toBe(action?.ok && !confirmed ? 200 : 303);
  if (action) expect(applied).toEqual({ posts: 0, calls: action.ok && confirmed ? 1 : 0 });
}

test('the console form endpoints answer generated and hostile forms without a 5xx', async () => {
  await fuzz('console forms', fc.asyncProperty(cases(), check), 200);
  expect(gateway.posts.length).toBeGreaterThan(0);
  expect(chaos.calls.length).toBeGreaterThan(0);
});
