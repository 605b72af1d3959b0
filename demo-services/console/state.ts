/**
 * Everything the page shows, read at once from its sources. A source that fails does not
 * fail the page: its section carries the error instead.
 */
import { describeError } from './errors.ts';
import type { ChaosControl, Fault } from './faults.ts';
import type { ConsoleOrders, PlacedOrder } from './orders.ts';
import type { AlertmanagerSource, FiringAlert } from './sources/alertmanager.ts';
import type { DeliveredPage, PagerSinkSource } from './sources/pagerSink.ts';
import type { BreakerStatus, InstanceHealth, PrometheusSource, QueueDepth } from './sources/prometheus.ts';

/** A section's data, or why it could not be read. */
export type Section<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Fault controls: off (not demo mode, or no chaos control given), or the faults in effect. */
export type FaultControls =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly killable: readonly string[];
      readonly active: Section<readonly Fault[]>;
    };

/** One reading of every source. */
export interface ConsoleState {
  readonly readAt: string;
  readonly orders: readonly PlacedOrder[];
  readonly faults: FaultControls;
  readonly health: Section<InstanceHealth[]>;
  readonly breakers: Section<BreakerStatus[]>;
  readonly queues: Section<QueueDepth[]>;
  readonly alerts: Section<FiringAlert[]>;
  /** Pages the pager accepted; undefined when no pager sink is configured. */
  readonly pages?: Section<DeliveredPage[]>;
}

/** The sources a reading uses. `chaos` is undefined when fault controls are off. */
export interface StateSources {
  readonly orders: ConsoleOrders;
  readonly prometheus: PrometheusSource;
  readonly alertmanager: AlertmanagerSource;
  readonly chaos: ChaosControl | undefined;
  /** The pager sink, when one is configured. */
  readonly pager?: PagerSinkSource;
}

async function section<T>(read: () => Promise<T>): Promise<Section<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

async function faultControls(chaos: ChaosControl | undefined): Promise<FaultControls> {
  if (!chaos) return { enabled: false };
  return { enabled: true, killable: chaos.killableServices, active: await section(() => chaos.active()) };
}

/** Reads every source concurrently; never rejects. */
export async function readState(sources: StateSources): Promise<ConsoleState> {
  const { pager } = sources;
  const [, faults, health, breakers, queues, alerts, pages] = await Promise.all([
    sources.orders.refresh(),
    faultControls(sources.chaos),
    section(() => sources.prometheus.health()),
    section(() => sources.prometheus.breakers()),
    section(() => sources.prometheus.queues()),
    section(() => sources.alertmanager.firing()),
    pager ? section(() => pager.delivered()) : Promise.resolve(undefined),
  ]);
  return {
    readAt: new Date().toISOString(),
    orders: sources.orders.list(),
    faults,
    health,
    breakers,
    queues,
    alerts,
    ...(pages ? { pages } : {}),
  };
}
