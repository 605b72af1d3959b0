/**
 * Alerts about the telemetry pipeline: services dropping or failing to export their traces and
 * logs, and the OpenTelemetry Collector dropping, refusing or failing to send spans.
 */
import { metrics } from '@faultline/instrumentation';
import type { AlertsConfig } from '../config.ts';
import { anyOf, groupBy, num, percent, selector } from '../promql.ts';
import type { AlertRule, Component } from './types.ts';

/**
 * The Collector's own span-loss counters and the label naming the component that counts them
 * (names from the Collector's receiverhelper/exporterhelper/processorhelper documentation).
 * Collectors whose Prometheus exporter adds the `_total` suffix (the default of current
 * versions, e.g. the pinned 0.136) expose `<name>_total`, older ones `<name>`: both spellings
 * are matched. `otelcol_receiver_failed_spans` exists only in newer Collectors and
 * `otelcol_processor_dropped_spans` only in older ones (processorhelper now counts incoming and
 * outgoing items, and a sampler's outgoing < incoming is by design, so that is not alerted on).
 */
export const collectorLossCounters = [
  {
    cause: 'collector_send_failed',
    metric: 'otelcol_exporter_send_failed_spans',
    component: 'exporter',
    doing: 'failing to send',
    where: 'through exporter',
  },
  {
    cause: 'collector_enqueue_failed',
    metric: 'otelcol_exporter_enqueue_failed_spans',
    component: 'exporter',
    doing: 'dropping',
    where: 'at the full sending queue of exporter',
  },
  {
    cause: 'collector_receiver_refused',
    metric: 'otelcol_receiver_refused_spans',
    component: 'receiver',
    doing: 'refusing',
    where: '(backpressure or memory limit) at receiver',
  },
  {
    cause: 'collector_receiver_failed',
    metric: 'otelcol_receiver_failed_spans',
    component: 'receiver',
    doing: 'failing to process',
    where: 'with internal errors in receiver',
  },
  {
    cause: 'collector_processor_dropped',
    metric: 'otelcol_processor_dropped_spans',
    component: 'processor',
    doing: 'dropping',
    where: 'in processor',
  },
] as const;

/** The Collector's exporter queue gauges (never suffixed). */
export const collectorQueueGauges = {
  size: 'otelcol_exporter_queue_size',
  capacity: 'otelcol_exporter_queue_capacity',
} as const;

const ALERT = 'TelemetryPipelineDegraded';

function serviceRules({ selectors, thresholds, groupingLabels }: AlertsConfig): AlertRule[] {
  const rate = (metric: string, ...matchers: string[]): string =>
    `sum by ${groupBy(['service', 'signal'], groupingLabels)} (rate(${selector(metric, selectors.services, ...matchers)}[${thresholds.telemetryWindow}])) > 0`;
  const ignored = thresholds.telemetryIgnoredDropReasons;
  return [
    {
      alert: ALERT,
      expr: rate(metrics.telemetryDropped.name, ignored.length > 0 ? `reason!~${anyOf(ignored)}` : ''),
      for: thresholds.telemetryFor,
      labels: { severity: 'warning', cause: 'dropped' },
      annotations: {
        summary: '{{ $labels.service }} is dropping {{ $labels.signal }} telemetry.',
        description: `{{ $labels.service }} has dropped {{ printf "%.2f" $value }} {{ $labels.signal }} items/s for ${thresholds.telemetryFor} instead of exporting them: its export buffer is full or its backend rejects them. Traces or logs of this period are incomplete.`,
      },
    },
    {
      alert: ALERT,
      expr: rate(metrics.telemetryExportFailures.name),
      for: thresholds.telemetryFor,
      labels: { severity: 'warning', cause: 'export_failed' },
      annotations: {
        summary: '{{ $labels.service }} fails to export {{ $labels.signal }} telemetry.',
        description: `{{ printf "%.2f" $value }} {{ $labels.signal }} export requests/s of {{ $labels.service }} have failed for ${thresholds.telemetryFor}: the backend is unreachable, slow or answering errors.`,
      },
    },
  ];
}

function collectorRules({ selectors, thresholds, groupingLabels }: AlertsConfig): AlertRule[] {
  const losses: AlertRule[] = collectorLossCounters.map(({ cause, metric, component, doing, where }) => ({
    alert: ALERT,
    expr: `sum by ${groupBy(['job', 'instance', component], groupingLabels)} (rate(${selector('', `__name__=~"${metric}(_total)?"`, selectors.collector)}[${thresholds.telemetryWindow}])) > 0`,
    for: thresholds.telemetryFor,
    labels: { severity: 'warning', cause },
    annotations: {
      summary: 'The OpenTelemetry Collector {{ $labels.instance }} is losing spans.',
      description: `For ${thresholds.telemetryFor} the OpenTelemetry Collector {{ $labels.instance }} has been ${doing} {{ printf "%.2f" $value }} spans/s ${where} {{ $labels.${component} }}: traces of this period are incomplete.`,
    },
  }));
  const queueFill = `max by ${groupBy(['job', 'instance', 'exporter'], groupingLabels)} (\n  ${selector(collectorQueueGauges.size, selectors.collector)}\n/\n  ${selector(collectorQueueGauges.capacity, selectors.collector)}\n) > ${num(thresholds.collectorQueueFullRatio)}`;
  return [
    ...losses,
    {
      alert: ALERT,
      expr: queueFill,
      for: thresholds.telemetryFor,
      labels: { severity: 'warning', cause: 'collector_queue_saturated' },
      annotations: {
        summary: 'The OpenTelemetry Collector {{ $labels.instance }} sending queue is nearly full.',
        description: `The sending queue of exporter {{ $labels.exporter }} on the OpenTelemetry Collector {{ $labels.instance }} has been {{ $value | humanizePercentage }} full for ${thresholds.telemetryFor} (threshold ${percent(thresholds.collectorQueueFullRatio)}): the backend cannot keep up, and spans will be dropped once it is full.`,
      },
    },
  ];
}

/** `TelemetryPipelineDegraded`, one rule per way telemetry gets lost; the `cause` label says which. */
export const telemetryPipeline: Component = {
  name: 'telemetry-pipeline',
  dashboard: 'telemetryPipeline',
  groups: (config) => [
    { name: 'faultline-telemetry-services', rules: serviceRules(config) },
    { name: 'faultline-telemetry-collector', rules: collectorRules(config) },
  ],
};
