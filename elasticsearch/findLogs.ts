import { LOG_INDEX_PATTERN } from './indexTemplate.ts';

/**
 * The catalogue's `logFields.traceId`, spelt here as `indexTemplate.ts` spells its fields, so
 * this module runs without the built instrumentation package (a test holds the two equal).
 */
export const TRACE_ID_FIELD = 'trace.id';

/** One stored log record: the backing index it is in, its `_id` and the document. */
export interface StoredLog {
  readonly index: string;
  readonly id: string;
  readonly source: Record<string, unknown>;
}

/** Options of {@link findLogsByTraceId}. */
export interface FindLogsOptions {
  /** An API key (the base64 `id:key` form) sent as `Authorization: ApiKey <key>`. */
  readonly apiKey?: string;
  /** What to search (default `logs-faultline-*`, every Faultline log data stream). */
  readonly index?: string;
  /** At most this many records (default 100). */
  readonly size?: number;
  readonly signal?: AbortSignal;
}

/**
 * The log records of one trace in the Elasticsearch at `url`, oldest first: an exact `term`
 * query on `trace.id` (a keyword in the template), the link from a trace in Jaeger to its logs.
 * Search is near real time, so a record shipped a moment ago may appear only after the next
 * refresh (1 s by default); callers wait for what they expect. Resolves with no records when no
 * log index exists yet; throws an Error naming the status and answer on any other failure.
 */
export async function findLogsByTraceId(
  url: string,
  traceId: string,
  options: FindLogsOptions = {},
): Promise<StoredLog[]> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `ApiKey ${options.apiKey}`;
  const target = new URL(`/${options.index ?? LOG_INDEX_PATTERN}/_search`, url);
  const response = await fetch(target, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      query: { term: { [TRACE_ID_FIELD]: traceId } },
      sort: [{ '@timestamp': 'asc' }],
      size: options.size ?? 100,
    }),
    signal: options.signal ?? null,
  });
  const body = await response.text();
  if (!response.ok)
    throw new Error(
      `Elasticsearch search ${target.pathname} answered ${response.status}: ${body.slice(0, 500)}`,
    );
  const hits = (
    JSON.parse(body) as {
      hits: { hits: { _index: string; _id: string; _source: Record<string, unknown> }[] };
    }
  ).hits.hits;
  return hits.map((hit) => ({ index: hit._index, id: hit._id, source: hit._source }));
}
