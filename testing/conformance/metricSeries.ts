/**
 * The HTTP duration histograms of one run, as comparable series. Faultline serves them as
 * `http_server_request_duration_seconds` and `http_client_request_duration_seconds`; the SDK's
 * Prometheus exporter as `http_server_request_duration` and `http_client_request_duration`.
 * They are compared in two steps: which label names each uses, then which series exist when
 * projected on the label names both use (the SDK's `otel_scope_*` labels and run-specific ports
 * replaced).
 */
import type { Difference } from './compareRuns.ts';

/** The histograms compared: Faultline's name and the SDK exporter's. */
export const HTTP_HISTOGRAMS = [
  { faultline: 'http_server_request_duration_seconds', sdk: 'http_server_request_duration' },
  { faultline: 'http_client_request_duration_seconds', sdk: 'http_client_request_duration' },
] as const;

type Labels = Record<string, string>;

function labelsOf(line: string, port: number): Labels {
  const labels: Labels = {};
  for (const match of line.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    const [, name, value] = match;
    if (name!.startsWith('otel_scope_')) continue;
    labels[name!] = value!.split(String(port)).join('PORT');
  }
  return labels;
}

/** The label sets of the `_count` series of `histogram` in an exposition. */
export function histogramSeries(exposition: string, histogram: string, port: number): Labels[] {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${histogram}_count{`))
    .map((line) => labelsOf(line.slice(0, line.lastIndexOf('}') + 1), port));
}

function project(series: readonly Labels[], names: ReadonlySet<string>): Set<string> {
  return new Set(
    series.map((labels) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(labels)
            .filter(([name]) => names.has(name))
            .sort(([a], [b]) => a.localeCompare(b)),
        ),
      ),
    ),
  );
}

/**
 * Differences of one histogram: `label <name>` for a label name one run never uses, and the
 * projected series (JSON) one run has and the other has not. `span` is `metric <Faultline's name>`.
 */
export function compareHistogram(
  name: string,
  faultline: readonly Labels[],
  sdk: readonly Labels[],
): Difference[] {
  const span = `metric ${name}`;
  const ourNames = new Set(faultline.flatMap((labels) => Object.keys(labels)));
  const sdkNames = new Set(sdk.flatMap((labels) => Object.keys(labels)));
  const out: Difference[] = [];
  for (const label of [...new Set([...ourNames, ...sdkNames])].sort()) {
    if (ourNames.has(label) !== sdkNames.has(label)) {
      out.push({ span, field: `label ${label}`, faultline: ourNames.has(label), sdk: sdkNames.has(label) });
    }
  }
  const shared = new Set([...ourNames].filter((label) => sdkNames.has(label)));
  const ours = project(faultline, shared);
  const theirs = project(sdk, shared);
  for (const series of [...new Set([...ours, ...theirs])].sort()) {
    if (ours.has(series) !== theirs.has(series)) {
      out.push({ span, field: `series ${series}`, faultline: ours.has(series), sdk: theirs.has(series) });
    }
  }
  return out;
}
