/**
 * Elastic APM Server's intake as elastic-apm-node uses it: GET / for the server's version, and
 * POST /intake/v2/events with newline-delimited JSON (metadata first, then transactions, spans,
 * errors and metricsets; gzip-compressed by default), answered 202. Transactions and spans are
 * the spans counted.
 */
import type { SpanKind, SpanRecord } from '../traceShape.ts';
import { json, pathOf, type Protocol } from './protocol.ts';

interface ApmEvent {
  readonly trace_id: string;
  readonly parent_id?: string;
  readonly name: string;
  readonly type?: string;
  readonly context?: {
    readonly request?: { readonly url?: { readonly pathname?: string; readonly full?: string } };
  };
}

const CLIENT_TYPES = new Set(['db', 'external', 'cache', 'messaging', 'storage']);

function spanKind(type: string | undefined): SpanKind {
  return CLIENT_TYPES.has(type ?? '') ? 'client' : 'internal';
}

/** Decodes an intake body into span records (partial last lines are skipped). */
export function decodeElasticApmEvents(body: Buffer): SpanRecord[] {
  const records: SpanRecord[] = [];
  for (const line of body.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    let event: { transaction?: ApmEvent; span?: ApmEvent };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue; // the tail of a stream cut off when the app exited
    }
    const { transaction, span } = event;
    if (transaction) {
      const url = transaction.context?.request?.url;
      records.push({
        traceId: transaction.trace_id,
        name: transaction.name,
        kind: 'server',
        rootPath:
          transaction.parent_id === undefined
            ? (url?.pathname ?? pathOf(url?.full) ?? transaction.name)
            : undefined,
      });
    } else if (span) {
      records.push({
        traceId: span.trace_id,
        name: span.name,
        kind: spanKind(span.type),
        rootPath: undefined,
      });
    }
  }
  return records;
}

/** The Elastic APM Server intake protocol. */
export const elasticApm: Protocol = {
  id: 'elastic-apm',
  route(request) {
    if (request.method === 'GET' && request.path === '/')
      return json(
        200,
        {
          build_date: '2025-01-01T00:00:00Z',
          build_sha: 'bench-sink',
          publish_ready: true,
          version: '8.17.0',
        },
        'other',
      );
    if (request.method === 'POST' && request.path === '/intake/v2/events')
      return { signal: 'traces', keep: true, status: 202, headers: {}, body: '' };
    if (request.path === '/config/v1/agents') return json(200, {}, 'other');
    return undefined;
  },
  decode: (body) => decodeElasticApmEvents(body),
};
