/**
 * Reads Faultline's self-telemetry (`faultline_telemetry_*`) from the app's /metrics endpoint:
 * what was exported, dropped (by reason) and queued, which is how the bench shows buffers are
 * bounded and losses counted.
 */

import { get } from 'node:http';

/** Series values keyed `name{label="value",...}` without the `service` label. */
export type SelfTelemetry = Readonly<Record<string, number>>;

/** Parses the `faultline_telemetry_*` samples of a Prometheus/OpenMetrics exposition. */
export function parseSelfTelemetry(exposition: string): SelfTelemetry {
  const series: Record<string, number> = {};
  for (const line of exposition.split('\n')) {
    if (!line.startsWith('faultline_telemetry_')) continue;
    const match = /^([a-z_]+)(?:\{([^}]*)\})? ([^ ]+)/.exec(line);
    if (!match) continue;
    const labels = (match[2] ?? '')
      .split(',')
      .filter((pair) => pair !== '' && !pair.startsWith('service='))
      .join(',');
    series[labels === '' ? match[1]! : `${match[1]}{${labels}}`] = Number(match[3]);
  }
  return series;
}

/**
 * GETs `url` on a connection of its own, closed after the answer: a kept-alive scrape connection
 * would hold the app's metrics server open, and with it the app, for seconds after SIGTERM.
 */
function getText(url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.once('end', () => resolve(text));
        response.once('error', reject);
      },
    );
    request.once('timeout', () => request.destroy(new Error(`${url} did not answer within ${timeoutMs} ms`)));
    request.once('error', reject);
  });
}

/** Scrapes `url`; undefined when the endpoint does not answer within `timeoutMs`. */
export async function scrapeSelfTelemetry(url: string, timeoutMs = 2000): Promise<SelfTelemetry | undefined> {
  try {
    return parseSelfTelemetry(await getText(url, timeoutMs));
  } catch {
    return undefined;
  }
}

/** The sum of every series of `name` whose labels include all of `labels`. */
export function sumSeries(telemetry: SelfTelemetry | undefined, name: string, labels: string[] = []): number {
  if (telemetry === undefined) return 0;
  let sum = 0;
  for (const [key, value] of Object.entries(telemetry)) {
    const bare = key.split('{')[0];
    if (bare === name && labels.every((label) => key.includes(label))) sum += value;
  }
  return sum;
}

/**
 * The size of V8's young generation (`nodejs_heap_space_size_total_bytes{space="new"}`, from
 * prom-client's default metrics on the same endpoint) in MiB; undefined when not answered.
 */
export async function scrapeNewSpaceMiB(url: string, timeoutMs = 2000): Promise<number | undefined> {
  try {
    for (const line of (await getText(url, timeoutMs)).split('\n')) {
      if (line.startsWith('nodejs_heap_space_size_total_bytes{') && line.includes('space="new"')) {
        return Number(line.slice(line.lastIndexOf(' ') + 1)) / 1048576;
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}
