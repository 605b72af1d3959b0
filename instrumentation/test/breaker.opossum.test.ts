/**
 * instrumentBreaker on a real opossum breaker: the state gauge, the call, transition and
 * fallback counters, the span event and the log line on each state change, and an exposition
 * promtool accepts.
 */
import { once } from 'node:events';
import { trace } from '@opentelemetry/api';
import CircuitBreaker from 'opossum';
import { metrics, spanAttributes, spanEvents } from '../src/catalogue/index.ts';
import { instrumentBreaker } from '../src/breaker/instrumentBreaker.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';
import {
  metricValue,
  useFreshRuntime,
  useInMemoryTracing,
  type TestRuntime,
  type TestTracing,
} from './support/signals.ts';

let env: TestRuntime;
let tracing: TestTracing;
const breakers: CircuitBreaker[] = [];

beforeAll(() => {
  env = useFreshRuntime();
  tracing = useInMemoryTracing();
});
afterAll(async () => {
  for (const breaker of breakers) breaker.shutdown();
  await tracing.shutdown();
});

/** An action whose behaviour the test switches: resolve, reject, or never settle. */
function controllableAction() {
  const control = { mode: 'ok' as 'ok' | 'fail' | 'hang' };
  const action = async (): Promise<string> => {
    if (control.mode === 'fail') throw new Error('downstream failed');
    if (control.mode === 'hang') return new Promise<string>(() => undefined);
    return 'ok';
  };
  return { control, action };
}

function newBreaker(action: () => Promise<string>, options: CircuitBreaker.Options = {}): CircuitBreaker {
  const breaker = new CircuitBreaker(action, {
    timeout: 1000,
    resetTimeout: 50,
    errorThresholdPercentage: 50,
    volumeThreshold: 2,
    ...options,
  });
  breakers.push(breaker);
  return breaker;
}

const state = (breaker: string, value: string) =>
  metricValue(env.runtime, metrics.breakerState.name, { breaker, state: value });
const calls = (breaker: string, outcome: string) =>
  metricValue(env.runtime, metrics.breakerCalls.name, { breaker, outcome });
const transitions = (breaker: string, to: string) =>
  metricValue(env.runtime, metrics.breakerTransitions.name, { breaker, to });
const fallbacks = (breaker: string) => metricValue(env.runtime, metrics.breakerFallbacks.name, { breaker });

async function gaugeStates(breaker: string) {
  return {
    closed: await state(breaker, 'closed'),
    open: await state(breaker, 'open'),
    half_open: await state(breaker, 'half_open'),
  };
}

test('reports closed, with every counter at 0, from the moment it is instrumented', async () => {
  instrumentBreaker(newBreaker(controllableAction().action), { name: 'fresh' });

  expect(await gaugeStates('fresh')).toEqual({ closed: 1, open: 0, half_open: 0 });
  for (const outcome of ['success', 'failure', 'timeout', 'rejected'])
    expect(await calls('fresh', outcome)).toBe(0);
  for (const to of ['open', 'half_open', 'closed']) expect(await transitions('fresh', to)).toBe(0);
  expect(await fallbacks('fresh')).toBe(0);
});

test('reports the state the breaker is already in', async () => {
  const breaker = newBreaker(controllableAction().action);
  breaker.open();
  instrumentBreaker(breaker, { name: 'already-open' });

  expect(await gaugeStates('already-open')).toEqual({ closed: 0, open: 1, half_open: 0 });
});

test('opens after failures, rejects while open, half-opens after the reset timeout, closes after a success', async () => {
  const { control, action } = controllableAction();
  const breaker = newBreaker(action);
  instrumentBreaker(breaker, { name: 'payments' });
  const tracer = trace.getTracer('test');

  await breaker.fire();
  control.mode = 'fail';
  // 1 success + 2 failures out of 3 fires: 66 % > 50 % with the volume threshold met.
  await expect(breaker.fire()).rejects.toThrow('downstream failed');
  const halfOpen = once(breaker, 'halfOpen');
  await tracer.startActiveSpan('checkout', async (span) => {
    await expect(breaker.fire()).rejects.toThrow('downstream failed');
    span.end();
  });
  expect(breaker.opened).toBe(true);
  expect(await gaugeStates('payments')).toEqual({ closed: 0, open: 1, half_open: 0 });

  for (let i = 0; i < 3; i += 1) await expect(breaker.fire()).rejects.toThrow('Breaker is open');
  expect(await calls('payments', 'success')).toBe(1);
  expect(await calls('payments', 'failure')).toBe(2);
  expect(await calls('payments', 'rejected')).toBe(3);
  expect(await calls('payments', 'timeout')).toBe(0);

  await halfOpen;
  expect(await gaugeStates('payments')).toEqual({ closed: 0, open: 0, half_open: 1 });

  control.mode = 'ok';
  await breaker.fire();
  expect(breaker.closed).toBe(true);
  expect(await gaugeStates('payments')).toEqual({ closed: 1, open: 0, half_open: 0 });
  expect(await calls('payments', 'success')).toBe(2);
  expect(await transitions('payments', 'open')).toBe(1);
  expect(await transitions('payments', 'half_open')).toBe(1);
  expect(await transitions('payments', 'closed')).toBe(1);

  const checkout = tracing.exporter.getFinishedSpans().find((span) => span.name === 'checkout');
  const event = checkout?.events.find((e) => e.name === spanEvents.breakerStateChange);
  expect(event?.attributes).toEqual({
    [spanAttributes.breakerName]: 'payments',
    [spanAttributes.breakerState]: 'open',
    [spanAttributes.breakerPreviousState]: 'closed',
  });

  const changes = env.logs.filter((line) => line['faultline.breaker.name'] === 'payments');
  expect(
    changes.map((line) => [line['faultline.breaker.previous_state'], line['faultline.breaker.state']]),
  ).toEqual([
    ['closed', 'open'],
    ['open', 'half_open'],
    ['half_open', 'closed'],
  ]);
  expect(changes.every((line) => line['event.action'] === 'circuit_breaker.state_change')).toBe(true);
  expect(changes[0]?.['trace.id']).toBe(checkout?.spanContext().traceId);
  expect(changes[0]?.['log.level']).toBe('warn');
});

test('reopens from half-open on a failed trial call, counting each transition once', async () => {
  const { control, action } = controllableAction();
  const breaker = newBreaker(action, { volumeThreshold: 1 });
  instrumentBreaker(breaker, { name: 'reopen' });
  control.mode = 'fail';
  const firstHalfOpen = once(breaker, 'halfOpen');
  await expect(breaker.fire()).rejects.toThrow();
  await firstHalfOpen;
  const secondHalfOpen = once(breaker, 'halfOpen');
  await expect(breaker.fire()).rejects.toThrow();
  expect(breaker.opened).toBe(true);
  await secondHalfOpen;

  expect(await transitions('reopen', 'open')).toBe(2);
  expect(await transitions('reopen', 'half_open')).toBe(2);
  expect(await transitions('reopen', 'closed')).toBe(0);
  expect(await calls('reopen', 'failure')).toBe(2);
});

test('counts a timed-out call as timeout only, not also as failure', async () => {
  const { control, action } = controllableAction();
  const breaker = newBreaker(action, { timeout: 20, volumeThreshold: 10 });
  instrumentBreaker(breaker, { name: 'slow' });
  control.mode = 'hang';

  await expect(breaker.fire()).rejects.toThrow('Timed out after 20ms');

  expect(await calls('slow', 'timeout')).toBe(1);
  expect(await calls('slow', 'failure')).toBe(0);
  expect(await calls('slow', 'success')).toBe(0);
});

test('counts every call answered by the fallback, after failures and rejections alike', async () => {
  const { control, action } = controllableAction();
  const breaker = newBreaker(action);
  breaker.fallback(() => 'cached');
  instrumentBreaker(breaker, { name: 'with-fallback' });
  control.mode = 'fail';

  const answers: unknown[] = [];
  for (let i = 0; i < 4; i += 1) answers.push(await breaker.fire());

  expect(answers).toEqual(['cached', 'cached', 'cached', 'cached']);
  expect(await calls('with-fallback', 'failure')).toBe(2);
  expect(await calls('with-fallback', 'rejected')).toBe(2);
  expect(await fallbacks('with-fallback')).toBe(4);
});

test('stops reporting once disposed', async () => {
  const { action } = controllableAction();
  const breaker = newBreaker(action);
  const dispose = instrumentBreaker(breaker, { name: 'disposed' });
  expect(instrumentBreaker(breaker, { name: 'disposed' })).toBe(dispose);
  await breaker.fire();
  dispose();
  await breaker.fire();
  breaker.open();

  expect(await calls('disposed', 'success')).toBe(1);
  expect(await transitions('disposed', 'open')).toBe(0);
});

test('rejects what is not a breaker, naming it', () => {
  expect(() => instrumentBreaker({} as CircuitBreaker, { name: 'nothing' })).toThrow(
    'instrumentBreaker(nothing): expected an opossum CircuitBreaker or a cockatiel CircuitBreakerPolicy',
  );
});

test('the exposition passes promtool check metrics', async () => {
  const exposition = await env.runtime.metrics.render('prometheus');
  expect(exposition).toContain('circuit_breaker_state{service="test",breaker="payments",state="closed"} 1');
  const { code, output } = await promtoolCheckMetrics(exposition);
  expect(output).toBe('');
  expect(code).toBe(0);
});
