/**
 * Queries of the Telemetry pipeline dashboard: telemetry items exported, dropped (by reason)
 * and failed exports per signal, the export buffers' fill, and whether Prometheus reaches the
 * pipeline's scrape targets at all.
 */
import { SERVICE_LABEL, metrics } from '../catalogue.ts';
import {
  byVariable,
  maxBy,
  orZero,
  rate,
  ratio,
  series,
  serviceMatcher,
  sumBy,
  targetsUp,
  type Matcher,
} from '../promql.ts';
import { legendOf, query, type PanelQueries } from './query.ts';

const SIGNAL = 'signal';
const selected: readonly Matcher[] = [serviceMatcher, byVariable(SIGNAL, 'signal')];
const perSignal = [SERVICE_LABEL, SIGNAL];

const exported = sumBy(perSignal, rate(series(metrics.telemetryExported, selected)));
const dropped = orZero(sumBy(perSignal, rate(series(metrics.telemetryDropped, selected))), exported);

/** Targets per panel of the Telemetry pipeline dashboard. */
export const telemetryPipelineQueries = {
  exported: [query(exported, legendOf(SERVICE_LABEL, SIGNAL))],
  dropped: [
    query(
      orZero(
        sumBy([...perSignal, 'reason'], rate(series(metrics.telemetryDropped, selected))),
        exported,
        perSignal,
      ),
      legendOf(SERVICE_LABEL, SIGNAL, 'reason'),
    ),
  ],
  exportFailures: [
    query(
      orZero(sumBy(perSignal, rate(series(metrics.telemetryExportFailures, selected))), exported),
      legendOf(SERVICE_LABEL, SIGNAL),
    ),
  ],
  dropRatio: [query(ratio(dropped, `${exported} + ${dropped}`), legendOf(SERVICE_LABEL, SIGNAL))],
  bufferFill: [
    query(
      ratio(
        maxBy([...perSignal, 'instance'], series(metrics.telemetryQueueSize, selected)),
        maxBy([...perSignal, 'instance'], series(metrics.telemetryQueueCapacity, selected)),
      ),
      `${legendOf(SERVICE_LABEL, SIGNAL)} ({{instance}})`,
    ),
  ],
  scrapeTargets: [query(sumBy(['job'], targetsUp()), '{{job}} up')],
} satisfies Record<string, PanelQueries>;
