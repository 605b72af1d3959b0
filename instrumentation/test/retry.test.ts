/**
 * instrumentRetry on real cockatiel 4 retry policies with exponential backoff: one outcome per
 * attempt in retry_attempts_total, the delays actually waited in retry_backoff_seconds, and a
 * retry.attempt event on the active span per retry.
 */
import { trace } from '@opentelemetry/api';
import type * as Cockatiel from 'cockatiel';
import { metrics, spanAttributes, spanEvents } from '../src/catalogue/index.ts';
import { instrumentRetry } from '../src/retry/instrumentRetry.ts';
import { nativeRequire } from './support/nativeRequire.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';
import {
  histogramValue,
  metricValue,
  useFreshRuntime,
  useInMemoryTracing,
  type TestRuntime,
  type TestTracing,
} from './support/signals.ts';

const { retry, handleAll, handleType, ExponentialBackoff } = nativeRequire<typeof Cockatiel>('cockatiel');

let env: TestRuntime;
let tracing: TestTracing;

beforeAll(() => {
  env = useFreshRuntime();
  tracing = useInMemoryTracing();
});
afterAll(() => tracing.shutdown());

function newPolicy(maxAttempts: number) {
  return retry(handleAll, {
    maxAttempts,
    backoff: new ExponentialBackoff({ initialDelay: 20, maxDelay: 200 }),
  });
}

/** A function that fails `failures` times, then returns 'ok'. */
function flaky(failures: number) {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls <= failures) throw new Error(`attempt ${calls} failed`);
    return 'ok';
  };
}

const attempts = (operation: string, outcome: string) =>
  metricValue(env.runtime, metrics.retryAttempts.name, { operation, outcome });

async function outcomes(operation: string) {
  return {
    success: await attempts(operation, 'success'),
    retry: await attempts(operation, 'retry'),
    exhausted: await attempts(operation, 'exhausted'),
    aborted: await attempts(operation, 'aborted'),
  };
}

test('a call that fails twice then succeeds counts retry=2 and success=1, and observes the two waits', async () => {
  const policy = newPolicy(5);
  instrumentRetry(policy, { operation: 'charge' });
  const planned: number[] = [];
  policy.onRetry(({ delay }) => planned.push(delay));
  const started = performance.now();

  await trace.getTracer('test').startActiveSpan('checkout', async (span) => {
    await expect(policy.execute(flaky(2))).resolves.toBe('ok');
    span.end();
  });
  const elapsedSeconds = (performance.now() - started) / 1000;

  expect(await outcomes('charge')).toEqual({ success: 1, retry: 2, exhausted: 0, aborted: 0 });
  const backoff = await histogramValue(env.runtime, metrics.retryBackoff.name, { operation: 'charge' });
  expect(backoff.count).toBe(2);
  const plannedSeconds = planned.reduce((a, b) => a + b, 0) / 1000;
  // A timer's delay is truncated to whole milliseconds and measured from the loop's cached
  // clock, so each wait may end up to about 2 ms before its planned (fractional) delay.
  expect(backoff.sum).toBeGreaterThanOrEqual(plannedSeconds - 0.002 * planned.length);
  expect(backoff.sum).toBeLessThanOrEqual(elapsedSeconds);

  const checkout = tracing.exporter.getFinishedSpans().find((span) => span.name === 'checkout');
  const events = checkout?.events.filter((event) => event.name === spanEvents.retryAttempt) ?? [];
  expect(events.map((event) => event.attributes?.[spanAttributes.retryAttempt])).toEqual([1, 2]);
  expect(events[0]?.attributes?.[spanAttributes.retryOperation]).toBe('charge');
});

test('a call that always fails counts every retry and exhausted=1', async () => {
  const policy = newPolicy(2);
  instrumentRetry(policy, { operation: 'always-fails' });

  await expect(policy.execute(flaky(Infinity))).rejects.toThrow('attempt 3 failed');

  expect(await outcomes('always-fails')).toEqual({ success: 0, retry: 2, exhausted: 1, aborted: 0 });
});

test('a call whose signal is aborted counts aborted, not exhausted', async () => {
  const policy = newPolicy(5);
  instrumentRetry(policy, { operation: 'cancelled' });
  const controller = new AbortController();

  const failAfterAbort = async () => {
    controller.abort();
    throw new Error('request aborted');
  };
  await expect(policy.execute(failAfterAbort, controller.signal)).rejects.toThrow('request aborted');

  expect(await outcomes('cancelled')).toEqual({ success: 0, retry: 0, exhausted: 0, aborted: 1 });
});

test('an error the policy does not handle ends the call at once, as exhausted', async () => {
  class Transient extends Error {}
  const policy = retry(handleType(Transient), { maxAttempts: 5 });
  instrumentRetry(policy, { operation: 'fatal' });

  await expect(
    policy.execute(async () => {
      throw new TypeError('bad input');
    }),
  ).rejects.toThrow('bad input');

  expect(await outcomes('fatal')).toEqual({ success: 0, retry: 0, exhausted: 1, aborted: 0 });
});

test('attributes concurrent calls to the right call', async () => {
  const policy = newPolicy(3);
  instrumentRetry(policy, { operation: 'concurrent' });

  const results = await Promise.allSettled([
    policy.execute(flaky(1)),
    policy.execute(flaky(Infinity)),
    policy.execute(flaky(0)),
  ]);

  expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(await outcomes('concurrent')).toEqual({ success: 2, retry: 4, exhausted: 1, aborted: 0 });
  expect(
    (await histogramValue(env.runtime, metrics.retryBackoff.name, { operation: 'concurrent' })).count,
  ).toBe(4);
});

test('stops reporting and restores execute once disposed', async () => {
  const policy = newPolicy(3);
  const original = policy.execute;
  const dispose = instrumentRetry(policy, { operation: 'disposed' });
  dispose();
  expect(policy.execute).toBe(original);

  await policy.execute(flaky(1));

  expect(await outcomes('disposed')).toEqual({ success: 0, retry: 0, exhausted: 0, aborted: 0 });
});

test('the exposition passes promtool check metrics', async () => {
  const { code, output } = await promtoolCheckMetrics(await env.runtime.metrics.render('prometheus'));
  expect(output).toBe('');
  expect(code).toBe(0);
});
