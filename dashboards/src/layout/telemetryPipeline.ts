/**
 * Telemetry pipeline: whether the services' traces and logs reach their backends — items
 * exported, dropped (and why), failed export requests, how full the export buffers are — and
 * whether Prometheus reaches its own scrape targets.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { SERVICE_LABEL, metrics } from '../catalogue.ts';
import type { DashboardsConfig } from '../config.ts';
import { series } from '../promql.ts';
import { telemetryPipelineQueries as q } from '../queries/telemetryPipeline.ts';
import { baseDashboard } from './base.ts';
import { row, timeSeriesPanel } from './panels.ts';
import { labelVariable, listVariable } from './variables.ts';

/** The Telemetry pipeline dashboard. */
export function telemetryPipelineDashboard(config: DashboardsConfig): dashboard.Dashboard {
  return baseDashboard(
    'telemetryPipeline',
    'Faultline / Telemetry pipeline',
    'Traces and logs on their way out of the services: exported, dropped, failed, buffered.',
  )
    .withVariable(labelVariable('service', 'Service', series(metrics.telemetryExported), SERVICE_LABEL))
    .withVariable(listVariable('signal', 'Signal', metrics.telemetryExported.labelValues?.signal ?? []))
    .withRow(row('Export'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Exported',
        description: 'Spans and log records accepted by their backend per second.',
        queries: q.exported,
        unit: 'short',
        min: 0,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Dropped by reason',
        description:
          'Items dropped instead of exported per second: queue_full (buffer full), export_failed, rejected by the backend, shutdown.',
        queries: q.dropped,
        unit: 'short',
        min: 0,
        runbooks: ['TelemetryPipelineDegraded'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Failed exports',
        description:
          'Export requests that failed per second: backend unreachable, timed out, or answered an error.',
        queries: q.exportFailures,
        unit: 'short',
        min: 0,
        runbooks: ['TelemetryPipelineDegraded'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Drop ratio',
        description: 'Share of items dropped among those that left the buffer (exported + dropped).',
        queries: q.dropRatio,
        unit: 'percentunit',
        min: 0,
        thresholds: [
          { value: null, color: 'green' },
          { value: 0.01, color: 'red' },
        ],
        runbooks: ['TelemetryPipelineDegraded'],
      }),
    )
    .withRow(row('Buffers and scraping'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Export buffer fill',
        description:
          'Items waiting in each bounded export buffer, as a share of its capacity. At 100% new items are dropped.',
        queries: q.bufferFill,
        unit: 'percentunit',
        min: 0,
        max: 1,
        runbooks: ['TelemetryPipelineDegraded'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Scrape targets up',
        description:
          'Targets Prometheus scraped successfully, per job: the services, RabbitMQ and the OpenTelemetry Collector.',
        queries: q.scrapeTargets,
        unit: 'short',
        min: 0,
        runbooks: ['ServiceDown', 'Watchdog'],
      }),
    )
    .build();
}
