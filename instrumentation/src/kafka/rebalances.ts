/**
 * Rebalances a consumer of this process takes part in: every GROUP_JOIN event (the first join
 * included, since processing waits for it too) is counted, with the time the join took.
 * Both series start at 0 when the consumer is created.
 */
import { observeHistogram } from '../metrics/observeHistogram.ts';
import { getRuntime } from '../runtime.ts';
import type { Consumer, GroupJoinEvent } from './kafkajsShapes.ts';

/** Counts and times `consumer`'s rebalances under `group`. */
export function countRebalances(consumer: Consumer, group: string): void {
  const { metrics } = getRuntime();
  metrics.counter('kafkaRebalances').inc({ group }, 0);
  metrics.histogram('kafkaRebalanceDuration').zero({ group });
  consumer.on(consumer.events.GROUP_JOIN, (event: GroupJoinEvent) => {
    try {
      const { metrics: current } = getRuntime();
      current.counter('kafkaRebalances').inc({ group });
      const seconds = Math.max(0, Number(event.payload.duration) || 0) / 1000;
      observeHistogram(current.histogram('kafkaRebalanceDuration'), { group }, seconds);
    } catch {
      // Counting must not break the consumer's event loop.
    }
  });
}
