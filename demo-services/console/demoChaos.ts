/**
 * The console's chaos control over the running demo: the same targets as the demo's control
 * channel (`npm run chaos`): the provider simulator's admin API, the demo's cuttable Redis
 * proxy, the bus's faults (`busChaos.ts`), and its supervised processes. Unlike the command
 * line, each fault can be cleared on its own.
 */
import { isBusFault } from '../demo/busChaos.ts';
import { busChaosOf, failover, type ControlTargets } from '../demo/controlServer.ts';
import type { ChaosControl, Fault } from './faults.ts';

/** Added latency of `provider-slow`, as `npm run chaos -- provider-slow` adds by default. */
export const PROVIDER_SLOW_MS = 1500;

/** The demo's process name of the provider simulator. */
const PROVIDER_PROCESS = 'payment-provider';

/** The simulator's fault settings (`GET /admin/faults`). */
interface ProviderFaults {
  latencyMs: number;
  errorRate: number;
  timeout: boolean;
  down: boolean;
}

type ProviderFault = Extract<Fault, { kind: `provider-${string}` }>;

function providerUpdate(fault: ProviderFault, on: boolean): Partial<ProviderFaults> {
  switch (fault.kind) {
    case 'provider-down':
      return { down: on };
    case 'provider-slow':
      return { latencyMs: on ? PROVIDER_SLOW_MS : 0 };
    case 'provider-errors':
      return { errorRate: on ? fault.rate : 0 };
    case 'provider-timeouts':
      return { timeout: on };
  }
}

/** The provider faults in effect, as the union spells them. Pure. */
export function providerFaultsOf(faults: ProviderFaults): Fault[] {
  const active: Fault[] = [];
  if (faults.down) active.push({ kind: 'provider-down' });
  if (faults.latencyMs > 0) active.push({ kind: 'provider-slow' });
  if (faults.errorRate > 0) active.push({ kind: 'provider-errors', rate: faults.errorRate });
  if (faults.timeout) active.push({ kind: 'provider-timeouts' });
  return active;
}

function isProviderFault(fault: Fault): fault is ProviderFault {
  return fault.kind.startsWith('provider-');
}

/** A chaos control acting on `targets` (the object the demo gives its control channel). */
export function demoChaos(targets: ControlTargets): ChaosControl {
  const bus = busChaosOf(targets);
  const provider = async (route: string, init?: RequestInit): Promise<ProviderFaults> => {
    const url = `${targets.providerUrl}/admin/faults${route}`;
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) }).catch(
      (error: Error) => {
        throw new Error(`the payment provider's admin API at ${url} does not answer (${error.message})`);
      },
    );
    if (!response.ok) throw new Error(`the payment provider's admin API answered ${response.status}`);
    return (await response.json()) as ProviderFaults;
  };
  const setProvider = (update: Partial<ProviderFaults>) =>
    provider('', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(update),
    });
  const instance = (name: string) => {
    const found = targets.processes.find((p) => p.spec.name === name);
    if (!found) throw new Error(`no demo process is named ${name}`);
    return found;
  };

  return {
    killableServices: targets.processes.map((p) => p.spec.name),
    async active() {
      // A killed provider has no admin API: its faults are then unknown, not an error.
      const fromProvider = await provider('').then(providerFaultsOf, () => []);
      return [
        ...fromProvider,
        ...targets.processes
          .filter((p) => !p.running)
          .map((p): Fault => ({ kind: 'kill', service: p.spec.name })),
        ...(targets.redisProxy.isDown ? [{ kind: 'redis-down' } as const] : []),
        ...bus.active(),
      ];
    },
    async inject(fault) {
      if (isProviderFault(fault)) await setProvider(providerUpdate(fault, true));
      else if (fault.kind === 'kill') await instance(fault.service).kill();
      else if (isBusFault(fault)) await bus.inject(fault);
      else if (isFailover(fault)) await failover(targets, fault.kind);
      else targets.redisProxy.cut();
    },
    async clear(fault) {
      if (isProviderFault(fault)) await setProvider(providerUpdate(fault, false));
      else if (fault.kind === 'kill') instance(fault.service).start();
      else if (isBusFault(fault)) await bus.clear(fault);
      else if (isFailover(fault))
        return; // the system heals itself: nothing to clear
      else targets.redisProxy.restore();
    },
    async reset() {
      targets.redisProxy.restore();
      await bus.reset();
      const stopped = targets.processes.filter((p) => !p.running);
      for (const p of stopped) p.start();
      // A provider that was just restarted starts healthy, and does not answer yet.
      if (!stopped.some((p) => p.spec.name === PROVIDER_PROCESS))
        await provider('/reset', { method: 'POST' });
    },
  };
}

type FailoverFault = Extract<Fault, { kind: 'db-failover' | 'redis-master-down' }>;

function isFailover(fault: Fault): fault is FailoverFault {
  return fault.kind === 'db-failover' || fault.kind === 'redis-master-down';
}
