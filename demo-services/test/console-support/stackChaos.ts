/**
 * A chaos control over the payment-provider simulator's admin API, for the browser test on
 * the in-process stack of `support/stack.ts`: only the provider's faults exist there (no
 * processes to kill, no proxies the console may cut).
 */
import type { ChaosControl, Fault } from '../../console/faults.ts';

const PROVIDER_FAULTS = new Set(['provider-down', 'provider-slow', 'provider-errors']);

interface ProviderFaults {
  latencyMs: number;
  errorRate: number;
  timeout: boolean;
  down: boolean;
}

/** Latency `provider-slow` adds, beyond the test stack's client timeout. */
const SLOW_MS = 3000;

async function call(url: string, init?: RequestInit): Promise<ProviderFaults> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`provider admin API ${url} answered ${response.status}`);
  return (await response.json()) as ProviderFaults;
}

/** The chaos control of a provider at `providerUrl`. */
export function providerChaos(providerUrl: string): ChaosControl {
  const put = (update: Partial<ProviderFaults>) =>
    call(`${providerUrl}/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(update),
    });
  const update = (fault: Fault, on: boolean): Partial<ProviderFaults> => {
    if (fault.kind === 'provider-down') return { down: on };
    if (fault.kind === 'provider-slow') return { latencyMs: on ? SLOW_MS : 0 };
    if (fault.kind === 'provider-errors') return { errorRate: on ? fault.rate : 0 };
    throw new Error(`${fault.kind} is not available on the test stack`);
  };
  return {
    killableServices: [],
    async active() {
      const faults = await call(`${providerUrl}/admin/faults`);
      const active: Fault[] = [];
      if (faults.down) active.push({ kind: 'provider-down' });
      if (faults.latencyMs > 0) active.push({ kind: 'provider-slow' });
      if (faults.errorRate > 0) active.push({ kind: 'provider-errors', rate: faults.errorRate });
      return active;
    },
    async inject(fault) {
      if (!PROVIDER_FAULTS.has(fault.kind))
        throw new Error(`${fault.kind} is not available on the test stack`);
      await put(update(fault, true));
    },
    async clear(fault) {
      await put(update(fault, false));
    },
    async reset() {
      await call(`${providerUrl}/admin/faults/reset`, { method: 'POST' });
    },
  };
}
