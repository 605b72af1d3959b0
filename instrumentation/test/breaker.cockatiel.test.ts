/**
 * instrumentBreaker on a real cockatiel 4 CircuitBreakerPolicy: the same signals as for opossum,
 * with cockatiel's lazy half-open, its isolation, and rejections counted without any event
 * from cockatiel.
 */
import { trace } from '@opentelemetry/api';
import type * as Cockatiel from 'cockatiel';
import { metrics, spanEvents } from '../src/catalogue/index.ts';
import { instrumentBreaker } from '../src/breaker/instrumentBreaker.ts';
import { nativeRequire } from './support/nativeRequire.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';
import {
  metricValue,
  useFreshRuntime,
  useInMemoryTracing,
  waitFor,
  type TestRuntime,
  type TestTracing,
} from './support/signals.ts';

const cockatiel = nativeRequire<typeof Cockatiel>('cockatiel');
const { circuitBreaker, handleAll, ConsecutiveBreaker, CircuitState, timeout, TimeoutStrategy, wrap } =
  cockatiel;

let env: TestRuntime;
let tracing: TestTracing;

beforeAll(() => {
  env = useFreshRuntime();
  tracing = useInMemoryTracing();
});
afterAll(() => tracing.shutdown());

const HALF_OPEN_AFTER_MS = 30;

function newPolicy() {
  return circuitBreaker(handleAll, { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(2) });
}

const fail = async (): Promise<never> => {
  throw new Error('downstream failed');
};
const succeed = async () => 'ok';

const state = (breaker: string, value: string) =>
  metricValue(env.runtime, metrics.breakerState.name, { breaker, state: value });
const calls = (breaker: string, outcome: string) =>
  metricValue(env.runtime, metrics.breakerCalls.name, { breaker, outcome });
const transitions = (breaker: string, to: string) =>
  metricValue(env.runtime, metrics.breakerTransitions.name, { breaker, to });

async function gaugeStates(breaker: string) {
  return {
    closed: await state(breaker, 'closed'),
    open: await state(breaker, 'open'),
    half_open: await state(breaker, 'half_open'),
  };
}

/** Waits until the break has lasted `halfOpenAfter`, so the next call is the half-open trial. */
function breakElapsed(openedAt: number) {
  return waitFor('the break to elapse', () =>
    Date.now() - openedAt > HALF_OPEN_AFTER_MS ? true : undefined,
  );
}

test('reports closed from the moment it is instrumented', async () => {
  instrumentBreaker(newPolicy(), { name: 'fresh' });

  expect(await gaugeStates('fresh')).toEqual({ closed: 1, open: 0, half_open: 0 });
  expect(await calls('fresh', 'rejected')).toBe(0);
});

test('opens after consecutive failures, counts rejections, half-opens on the next call after the break, closes on success', async () => {
  const policy = newPolicy();
  instrumentBreaker(policy, { name: 'inventory' });

  await policy.execute(succeed);
  await expect(policy.execute(fail)).rejects.toThrow('downstream failed');
  await trace.getTracer('test').startActiveSpan('reserve', async (span) => {
    await expect(policy.execute(fail)).rejects.toThrow('downstream failed');
    span.end();
  });
  const openedAt = Date.now();
  expect(policy.state).toBe(CircuitState.Open);
  expect(await gaugeStates('inventory')).toEqual({ closed: 0, open: 1, half_open: 0 });

  await expect(policy.execute(succeed)).rejects.toBeInstanceOf(cockatiel.BrokenCircuitError);
  await expect(policy.execute(succeed)).rejects.toBeInstanceOf(cockatiel.BrokenCircuitError);
  expect(await calls('inventory', 'rejected')).toBe(2);
  expect(await calls('inventory', 'failure')).toBe(2);
  expect(await calls('inventory', 'success')).toBe(1);

  await breakElapsed(openedAt);
  await policy.execute(succeed);
  expect(policy.state).toBe(CircuitState.Closed);
  expect(await gaugeStates('inventory')).toEqual({ closed: 1, open: 0, half_open: 0 });
  expect(await transitions('inventory', 'open')).toBe(1);
  expect(await transitions('inventory', 'half_open')).toBe(1);
  expect(await transitions('inventory', 'closed')).toBe(1);
  expect(await calls('inventory', 'success')).toBe(2);
  expect(await calls('inventory', 'rejected')).toBe(2);

  const reserve = tracing.exporter.getFinishedSpans().find((span) => span.name === 'reserve');
  expect(reserve?.events.map((event) => event.name)).toEqual([spanEvents.breakerStateChange]);
  const lines = env.logs.filter((line) => line['faultline.breaker.name'] === 'inventory');
  expect(lines.map((line) => line['faultline.breaker.state'])).toEqual(['open', 'half_open', 'closed']);
  expect(lines[0]?.['trace.id']).toBe(reserve?.spanContext().traceId);
});

test('counts a failure of the function inside the breaker as failure, not as rejected', async () => {
  const inner = newPolicy();
  const outer = newPolicy();
  instrumentBreaker(outer, { name: 'outer' });
  inner.isolate();

  // The inner breaker's BrokenCircuitError is the outer breaker's function failing.
  await expect(outer.execute(() => inner.execute(succeed))).rejects.toBeInstanceOf(
    cockatiel.IsolatedCircuitError,
  );

  expect(await calls('outer', 'failure')).toBe(1);
  expect(await calls('outer', 'rejected')).toBe(0);
});

test('counts a TimeoutPolicy expiry inside the breaker as timeout', async () => {
  const policy = newPolicy();
  instrumentBreaker(policy, { name: 'slow' });
  const guarded = wrap(policy, timeout(10, TimeoutStrategy.Aggressive));

  await expect(guarded.execute(() => new Promise(() => undefined))).rejects.toBeInstanceOf(
    cockatiel.TaskCancelledError,
  );

  expect(await calls('slow', 'timeout')).toBe(1);
  expect(await calls('slow', 'failure')).toBe(0);
});

test('reports an isolated circuit as open, and its release as closed', async () => {
  const policy = newPolicy();
  instrumentBreaker(policy, { name: 'isolated' });

  const handle = policy.isolate();
  await expect(policy.execute(succeed)).rejects.toBeInstanceOf(cockatiel.IsolatedCircuitError);
  expect(await gaugeStates('isolated')).toEqual({ closed: 0, open: 1, half_open: 0 });
  expect(await calls('isolated', 'rejected')).toBe(1);
  handle.dispose();

  expect(await gaugeStates('isolated')).toEqual({ closed: 1, open: 0, half_open: 0 });
  expect(await transitions('isolated', 'open')).toBe(1);
  expect(await transitions('isolated', 'closed')).toBe(1);
});

test('stops reporting and restores execute once disposed', async () => {
  const policy = newPolicy();
  const original = policy.execute;
  const dispose = instrumentBreaker(policy, { name: 'disposed' });
  expect(policy.execute).not.toBe(original);
  await policy.execute(succeed);
  dispose();
  expect(policy.execute).toBe(original);
  await policy.execute(succeed);
  policy.isolate();
  await expect(policy.execute(succeed)).rejects.toThrow();

  expect(await calls('disposed', 'success')).toBe(1);
  expect(await calls('disposed', 'rejected')).toBe(0);
  expect(await transitions('disposed', 'open')).toBe(0);
});

test('the exposition passes promtool check metrics', async () => {
  const { code, output } = await promtoolCheckMetrics(await env.runtime.metrics.render('prometheus'));
  expect(output).toBe('');
  expect(code).toBe(0);
});
