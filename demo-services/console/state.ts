/**
 * Everything the page shows, read at once from its sources. A source that fails does not
 * fail the page: its section carries the error instead.
 */
import { describeError } from './errors.ts';
import type { FaultTimeline } from './faultTimeline.ts';
import type { ChaosControl, Fault } from './faults.ts';
import type { ConsoleOrders, PlacedOrder } from './orders.ts';
import type { AlertmanagerSource, FiringAlert } from './sources/alertmanager.ts';
import type { ListedOrder, OrderServiceSource, OrderStatusFilter } from './sources/orderService.ts';
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

/**
 * The order list: every order of the system, from the order service, or (without one) the orders
 * this console placed.
 */
export type OrderList =
  | {
      readonly source: 'system';
      readonly filter?: OrderStatusFilter;
      readonly orders: Section<ListedOrder[]>;
    }
  | { readonly source: 'console'; readonly orders: readonly PlacedOrder[] };

/** One reading of every source. */
export interface ConsoleState {
  readonly readAt: string;
  readonly orders: OrderList;
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
  /** The order service's read API; without it the list shows the console's own orders. */
  readonly orderService?: OrderServiceSource;
  /** Where the faults seen at each reading are recorded, for the charts' markers. */
  readonly faultTimeline?: FaultTimeline;
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

async function faultControls(sources: StateSources): Promise<FaultControls> {
  const { chaos } = sources;
  if (!chaos) return { enabled: false };
  const active = await section(() => chaos.active());
  if (active.ok) sources.faultTimeline?.observe(active.value);
  return { enabled: true, killable: chaos.killableServices, active };
}

async function orderList(sources: StateSources, filter: OrderStatusFilter | undefined): Promise<OrderList> {
  const { orderService } = sources;
  if (!orderService) {
    await sources.orders.refresh();
    return { source: 'console', orders: sources.orders.list() };
  }
  const orders = await section(() => orderService.list(filter));
  return { source: 'system', ...(filter ? { filter } : {}), orders };
}

/** Reads every source concurrently, the order list filtered to `filter`; never rejects. */
export async function readState(sources: StateSources, filter?: OrderStatusFilter): Promise<ConsoleState> {
  const { pager } = sources;
  const [orders, faults, health, breakers, queues, alerts, pages] = await Promise.all([
    orderList(sources, filter),
    faultControls(sources),
    section(() => sources.prometheus.health()),
    section(() => sources.prometheus.breakers()),
    section(() => sources.prometheus.queues()),
    section(() => sources.alertmanager.firing()),
    pager ? section(() => pager.delivered()) : Promise.resolve(undefined),
  ]);
  return {
    readAt: new Date().toISOString(),
    orders,
    faults,
    health,
    breakers,
    queues,
    alerts,
    ...(pages ? { pages } : {}),
  };
}
