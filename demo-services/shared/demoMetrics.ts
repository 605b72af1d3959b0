/**
 * The demo's own business counters (not part of the Faultline catalogue: they describe this
 * shop, not a signal Faultline defines). They live on the instrumentation's registry so the
 * same `/metrics` endpoint serves them with the `service` label.
 */
import { Counter, type Registry, type RegistryContentType } from 'prom-client';
import { getMetricsRegistry } from '@faultline/instrumentation';

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
    'demo_orders_created_total',
    'Orders created by the order service.',
    [],
  );
}

/** Payment outcomes written to orders: paid, or failed with a reason. */
export function paymentsCounter(): Counter<'outcome' | 'reason'> {
  return counter(
    getMetricsRegistry().registry,
    'demo_payments_total',
    'Orders whose payment completed, by outcome and failure reason.',
    ['outcome', 'reason'],
  );
}

/** Messages the payment service sent to the dead-letter queue, by reason. */
export function deadLettersCounter(): Counter<'reason'> {
  return counter(
    getMetricsRegistry().registry,
    'demo_dead_letters_total',
    'Messages sent to the dead-letter queue, by reason.',
    ['reason'],
  );
}
