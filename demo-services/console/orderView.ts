/**
 * The order list's view model: every order of the system (or the console's own), the status
 * filter, and per order its status history and where its trace and logs are. Pure.
 */
import { amount, time } from './format.ts';
import { orderLogs, orderTrace, type LinkBases } from './links.ts';
import type { PlacedOrder } from './orders.ts';
import { ORDER_STATUSES, type ListedOrder } from './sources/orderService.ts';
import type { OrderList } from './state.ts';

/** An order row. */
export interface OrderRow {
  readonly orderId: string;
  readonly status: string;
  readonly failureReason: string;
  readonly placedAt: string;
  readonly amount: string;
  readonly traceId: string;
  /** The console's page of the order (history, trace, logs), when the order service is read. */
  readonly orderHref: string | undefined;
  readonly traceHref: string | undefined;
  readonly logsHref: string | undefined;
  /** `pending 10:01:02 → paid 10:01:03`. */
  readonly history: string;
}

/** One choice of the status filter. */
export interface FilterChoice {
  readonly value: string;
  readonly label: string;
  readonly selected: boolean;
}

/** The order section. */
export interface OrdersView {
  /** Whose orders: every order of the system, or only those this console placed. */
  readonly scope: 'system' | 'console';
  readonly rows: readonly OrderRow[];
  readonly error: string | undefined;
  /** Present when the list can be filtered (the system's orders). */
  readonly filters: readonly FilterChoice[] | undefined;
  /** What an empty list means. */
  readonly empty: string;
}

function links(bases: LinkBases, traceId: string | undefined) {
  return {
    traceId: traceId ?? '',
    traceHref: traceId ? orderTrace(bases, traceId) : undefined,
    logsHref: traceId ? orderLogs(bases, traceId) : undefined,
  };
}

/** The history as one line. */
export function historyLine(history: ListedOrder['history']): string {
  return history.map((step) => `${step.status} ${time(step.at)}`).join(' → ');
}

function row(
  bases: LinkBases,
  order: { orderId: string; status: string; failureReason?: string; amountCents: number; traceId?: string },
  placedAt: string,
  details: { orderHref: string | undefined; history: string },
): OrderRow {
  return {
    orderId: order.orderId,
    status: order.status,
    failureReason: order.failureReason ?? '',
    placedAt: time(placedAt),
    amount: amount(order.amountCents),
    ...details,
    ...links(bases, order.traceId),
  };
}

/** A row of an order the order service listed. */
export function listedRow(order: ListedOrder, bases: LinkBases): OrderRow {
  return row(bases, order, order.createdAt, {
    orderHref: `/orders/${encodeURIComponent(order.orderId)}`,
    history: historyLine(order.history),
  });
}

function placedRow(order: PlacedOrder, bases: LinkBases): OrderRow {
  return row(bases, order, order.placedAt, {
    orderHref: undefined,
    history: `placed ${time(order.placedAt)} → ${order.status} now`,
  });
}

function filters(selected: string | undefined): FilterChoice[] {
  return [{ value: '', label: 'all' }, ...ORDER_STATUSES.map((s) => ({ value: s, label: s }))].map((c) => ({
    ...c,
    selected: c.value === (selected ?? ''),
  }));
}

/** The order section of one reading. */
export function ordersView(list: OrderList, bases: LinkBases): OrdersView {
  if (list.source === 'console') {
    return {
      scope: 'console',
      rows: list.orders.map((o) => placedRow(o, bases)),
      error: undefined,
      filters: undefined,
      empty: 'No order placed from this console yet.',
    };
  }
  const { orders, filter } = list;
  return {
    scope: 'system',
    rows: orders.ok ? orders.value.map((o) => listedRow(o, bases)) : [],
    error: orders.ok ? undefined : orders.error,
    filters: filters(filter),
    empty: filter ? `No ${filter} order among the latest.` : 'No order in the system yet.',
  };
}
