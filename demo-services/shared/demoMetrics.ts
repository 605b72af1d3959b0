/**
 * The demo's own business counters (not part of the Faultline catalogue: they describe this
 * shop, not a signal Faultline defines). They live on the instrumentation's registry so the
 * same `/metrics` endpoint serves them with the `service` label.
 */
import { Counter, Gauge, type Registry, type RegistryContentType } from 'prom-client';
import { getMetricsRegistry } from '@faultline/instrumentation';

/** The names of the demo's business metrics (the console charts them). */
export const demoMetricNames = {
  ordersCreated: 'demo_orders_created_total',
  payments: 'demo_payments_total',
  deadLetters: 'demo_dead_letters_total',
  ordersPending: 'demo_orders_pending',
} as const;

const PENDING_ORDERS_METRIC = demoMetricNames.ordersPending;

function counter<L extends string>(
  registry: Registry<RegistryContentType>,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** Orders the order service created (a repeated idempotent request is not counted). */
export function ordersCreatedCounter(): Counter<never> {
  return counter(
    getMetricsRegistry().registry,
    demoMetricNames.ordersCreated,
    'Orders created by the order service.',
    [],
  );
}

/** Payment outcomes written to orders: paid, or failed with a reason. */
export function paymentsCounter(): Counter<'outcome' | 'reason'> {
  return counter(
    getMetricsRegistry().registry,
    demoMetricNames.payments,
    'Orders whose payment completed, by outcome and failure reason.',
    ['outcome', 'reason'],
  );
}

/** Messages the payment service sent to the dead-letter queue, by reason. */
export function deadLettersCounter(): Counter<'reason'> {
  return counter(
    getMetricsRegistry().registry,
    demoMetricNames.deadLetters,
    'Messages sent to the dead-letter queue, by reason.',
    ['reason'],
  );
}

/**
 * Orders waiting for their payment, counted by `count` at each scrape (the order service reads
 * its database). A failed count keeps the last value: the scrape itself never fails for it.
 */
export function pendingOrdersGauge(count: () => Promise<number>): Gauge {
  const registry = getMetricsRegistry().registry;
  const existing = registry.getSingleMetric(PENDING_ORDERS_METRIC);
  if (existing) registry.removeSingleMetric(PENDING_ORDERS_METRIC);
  return new Gauge({
    name: PENDING_ORDERS_METRIC,
    help: 'Orders whose payment has not completed yet.',
    registers: [registry],
    async collect() {
      try {
        this.set(await count());
      } catch {
        // The database is down: the last count stands until it answers again.
      }
    },
  });
}
