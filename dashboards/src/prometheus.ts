/**
 * The few Prometheus HTTP API calls verification and preview need: instant and range queries,
 * and label values. Errors say which query failed and what Prometheus answered.
 */

/** A series of an instant query: its labels and its one value. */
export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A series of a range query: its labels and its `[unix seconds, value]` points. */
export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly (readonly [number, number])[];
}

/** Prometheus refused or failed a request: a bad query, a timeout, or no Prometheus at all. */
export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  readonly query: string;

  constructor(message: string, query: string, options?: { cause?: unknown }) {
    super(message, options);
    this.query = query;
  }
}

interface ApiResponse {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
}

type Sample = [number, string];
interface VectorItem {
  metric: Record<string, string>;
  value: Sample;
}
interface MatrixItem {
  metric: Record<string, string>;
  values: Sample[];
}
type QueryData =
  | { resultType: 'vector'; result: VectorItem[] }
  | { resultType: 'matrix'; result: MatrixItem[] }
  | { resultType: 'scalar' | 'string'; result: Sample };

async function call(
  baseUrl: string,
  endpoint: string,
  params: URLSearchParams,
  query: string,
  method: 'GET' | 'POST' = 'POST',
): Promise<unknown> {
  const url = `${baseUrl.replace(/\/+$/, '')}${endpoint}`;
  let response: Response;
  try {
    response =
      method === 'POST'
        ? await fetch(url, {
            method,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: params,
          })
        : await fetch(`${url}?${params.toString()}`);
  } catch (cause) {
    throw new PrometheusError(`Cannot reach Prometheus at ${baseUrl} (${String(cause)})`, query, { cause });
  }
  let body: ApiResponse;
  try {
    body = (await response.json()) as ApiResponse;
  } catch (cause) {
    throw new PrometheusError(`Prometheus at ${baseUrl} answered ${response.status} without JSON`, query, {
      cause,
    });
  }
  if (body.status !== 'success') {
    throw new PrometheusError(
      `${body.errorType ?? 'error'}: ${body.error ?? `HTTP ${response.status}`}`,
      query,
    );
  }
  return body.data;
}

/** Runs `query` at `time` (default now). Throws {@link PrometheusError}. */
export async function instantQuery(
  baseUrl: string,
  query: string,
  time: Date = new Date(),
): Promise<InstantSample[]> {
  const params = new URLSearchParams({ query, time: String(time.getTime() / 1000) });
  const data = (await call(baseUrl, '/api/v1/query', params, query)) as QueryData;
  if (data.resultType === 'vector') {
    return data.result.map((item) => ({ labels: item.metric, value: Number(item.value[1]) }));
  }
  if (data.resultType === 'scalar') return [{ labels: {}, value: Number(data.result[1]) }];
  throw new PrometheusError(`Expected a vector, got a ${data.resultType}`, query);
}

/** Runs `query` from `start` to `end` every `stepSeconds`. Throws {@link PrometheusError}. */
export async function rangeQuery(
  baseUrl: string,
  query: string,
  range: { start: Date; end: Date; stepSeconds: number },
): Promise<RangeSeries[]> {
  const params = new URLSearchParams({
    query,
    start: String(range.start.getTime() / 1000),
    end: String(range.end.getTime() / 1000),
    step: String(range.stepSeconds),
  });
  const data = (await call(baseUrl, '/api/v1/query_range', params, query)) as QueryData;
  if (data.resultType !== 'matrix')
    throw new PrometheusError(`Expected a matrix, got a ${data.resultType}`, query);
  return data.result.map((item) => ({
    labels: item.metric,
    points: item.values.map(([t, v]) => [t, Number(v)] as const),
  }));
}

/** The values of `label` on the series `match` selects (all series when omitted). */
export async function labelValues(baseUrl: string, label: string, match?: string): Promise<string[]> {
  const params = new URLSearchParams();
  if (match) params.append('match[]', match);
  const what = match ? `label_values(${match}, ${label})` : `label_values(${label})`;
  const endpoint = `/api/v1/label/${encodeURIComponent(label)}/values`;
  return (await call(baseUrl, endpoint, params, what, 'GET')) as string[];
}
