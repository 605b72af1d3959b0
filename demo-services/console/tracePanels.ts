/**
 * Reads one trace from Jaeger's query API and its log lines from Elasticsearch for the trace and
 * order pages. Each part is shown, or says in words why not (not configured, not stored yet,
 * the backend is down), so a page is never blank without a reason.
 */
import { getTrace } from '../../backends/jaegerQuery.ts';
import { findLogsByTraceId } from '../../elasticsearch/findLogs.ts';
import { describeError } from './errors.ts';
import { jaegerTrace, kibanaTraceLogs, type LinkBases } from './links.ts';
import { logRows, traceView, type LogRow, type TraceView } from './traceView.ts';

/** Where traces and logs are read; an absent one is shown as not configured. */
export interface TraceSources {
  readonly jaegerQueryUrl?: string;
  readonly elasticsearchUrl?: string;
}

/** A part of the page: its content, or the reason it has none. */
export type Panel<T> =
  { readonly shown: true; readonly value: T } | { readonly shown: false; readonly message: string };

/** The trace page's model. */
export interface TracePanels {
  readonly traceId: string;
  readonly trace: Panel<TraceView>;
  readonly logs: Panel<readonly LogRow[]>;
  /** The same trace in the Jaeger UI and its logs in Kibana, when those are configured. */
  readonly jaegerUiHref: string | undefined;
  readonly kibanaHref: string | undefined;
}

/** A trace id as Jaeger and the logs spell it: 32 lowercase hex digits. */
export const TRACE_ID = /^[0-9a-f]{32}$/;

/** What a malformed trace id is told. */
export const TRACE_ID_RULE = 'traceId: 32 lowercase hex digits';

async function tracePanel(sources: TraceSources, traceId: string): Promise<Panel<TraceView>> {
  if (!sources.jaegerQueryUrl)
    return { shown: false, message: 'No Jaeger query API is configured (JAEGER_QUERY_URL).' };
  try {
    const trace = await getTrace(sources.jaegerQueryUrl, traceId);
    if (!trace)
      return {
        shown: false,
        message: `Jaeger has no trace ${traceId} (yet): spans arrive a few seconds after the request.`,
      };
    return { shown: true, value: traceView(trace) };
  } catch (error) {
    return {
      shown: false,
      message: `Jaeger at ${sources.jaegerQueryUrl} could not be read: ${describeError(error)}`,
    };
  }
}

async function logsPanel(sources: TraceSources, traceId: string): Promise<Panel<readonly LogRow[]>> {
  if (!sources.elasticsearchUrl)
    return { shown: false, message: 'No Elasticsearch is configured (ELASTICSEARCH_URL).' };
  try {
    const logs = await findLogsByTraceId(sources.elasticsearchUrl, traceId, {
      signal: AbortSignal.timeout(5000),
    });
    if (logs.length === 0)
      return { shown: false, message: `Elasticsearch has no log line with trace.id ${traceId} (yet).` };
    return { shown: true, value: logRows(logs) };
  } catch (error) {
    return {
      shown: false,
      message: `Elasticsearch at ${sources.elasticsearchUrl} could not be read: ${describeError(error)}`,
    };
  }
}

/** Reads both parts concurrently; never rejects. `traceId` must match {@link TRACE_ID}. */
export async function readTracePanels(
  sources: TraceSources & LinkBases,
  traceId: string,
): Promise<TracePanels> {
  const [trace, logs] = await Promise.all([tracePanel(sources, traceId), logsPanel(sources, traceId)]);
  return {
    traceId,
    trace,
    logs,
    jaegerUiHref: jaegerTrace(sources, traceId),
    kibanaHref: kibanaTraceLogs(sources, traceId),
  };
}
