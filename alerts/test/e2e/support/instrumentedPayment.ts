/**
 * The fault board's payment-service, whose breaker and retry signals come from the
 * instrumentation's own adapters, not from counters set by hand: a real opossum breaker named
 * `payment-provider` (instrumented by `instrumentBreaker`) inside a real cockatiel retry policy
 * for `charge` (instrumented by `instrumentRetry`), both reporting into the service's registry.
 * With the provider failing, the breaker opens and stays open (no probe within the test), and
 * every call is retried until its attempts are used up: a retry storm.
 */
import { ConstantBackoff, handleAll, retry } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { instrumentBreaker } from '../../../../instrumentation/src/breaker/instrumentBreaker.ts';
import { readSecretFile } from '../../../../instrumentation/src/config/environment.ts';
import { parseConfig } from '../../../../instrumentation/src/config/parseConfig.ts';
import type { MetricsRegistry } from '../../../../instrumentation/src/metrics/MetricsRegistry.ts';
import { instrumentRetry } from '../../../../instrumentation/src/retry/instrumentRetry.ts';
import { createRuntime, peekRuntime, setRuntime } from '../../../../instrumentation/src/runtime.ts';

/** A payment-service whose calls to the provider fail while `faulty` says so. */
export interface InstrumentedPayment {
  /** Makes `calls` charges through the retry policy and the breaker. Never rejects. */
  charge(calls: number, faulty: boolean): Promise<void>;
  stop(): void;
}

/**
 * Builds the service's breaker and retry policy with `registry` as the instrumentation's
 * registry: the adapters take the process's runtime when they are created, so it is set for
 * that moment only, then the previous one is put back.
 */
export function instrumentedPayment(registry: MetricsRegistry): InstrumentedPayment {
  const previous = peekRuntime();
  const runtime = {
    ...createRuntime(parseConfig({ OTEL_SERVICE_NAME: 'payment-service' }, readSecretFile)),
    metrics: registry,
  };
  runtime.log.setWriter(() => undefined);
  let failing = false;
  const breaker = new CircuitBreaker(
    async () => {
      if (failing) throw new Error('provider down');
    },
    { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeout: 600_000, rollingCountTimeout: 1000 },
  );
  const policy = retry(handleAll, { maxAttempts: 3, backoff: new ConstantBackoff(1) });
  setRuntime(runtime);
  try {
    instrumentBreaker(breaker, { name: 'payment-provider' });
    instrumentRetry(policy, { operation: 'charge' });
  } finally {
    setRuntime(previous);
  }
  return {
    async charge(calls, faulty) {
      failing = faulty;
      const one = () => policy.execute(() => breaker.fire()).catch(() => undefined);
      await Promise.all(Array.from({ length: calls }, one));
    },
    stop() {
      breaker.shutdown();
    },
  };
}
