/**
 * Observes a catalogue histogram. The registry creates histograms with exemplars enabled, whose
 * `observe` takes one object; this adds the active sampled span's trace id as the exemplar, so
 * a latency bucket links to a trace.
 */
import { trace } from '@opentelemetry/api';
import type { Histogram } from 'prom-client';

/** Observes `value` for `labels` on `histogram`, with the active sampled span as exemplar. */
export function observeHistogram<L extends string>(
  histogram: Histogram<L>,
  labels: Partial<Record<L, string>>,
  value: number,
): void {
  const spanContext = trace.getActiveSpan()?.spanContext();
  const sampled = spanContext !== undefined && (spanContext.traceFlags & 1) === 1;
  const observation = sampled
    ? { labels, value, exemplarLabels: { trace_id: spanContext.traceId } }
    : { labels, value };
  // prom-client types `observe` for the exemplar-less form; with exemplars enabled it takes this object.
  (histogram.observe as unknown as (observation: object) => void).call(histogram, observation);
}
