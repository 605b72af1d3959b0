import { getRuntime } from '../runtime.ts';
import type { MetricsRegistry } from './MetricsRegistry.ts';

/**
 * The process's Faultline metrics registry. An app registers its own prom-client metrics on
 * `getMetricsRegistry().registry` to have them served on the same endpoint, with the `service`
 * label added.
 */
export function getMetricsRegistry(): MetricsRegistry {
  return getRuntime().metrics;
}
