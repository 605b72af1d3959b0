/**
 * `GET /traces/:traceId` and `GET /traces/:traceId/logs`: one order's trace as Jaeger's query API
 * stored it, and its log lines as Elasticsearch stored them, read by the console server so the
 * links of the order list answer where no Jaeger UI or Kibana runs (the local demo). JSON with a
 * clear error: 400 for a malformed id, 404 while nothing is stored, 502 when a backend is down.
 */
import { Router, type Response } from 'express';
import { getTrace } from '../../../backends/jaegerQuery.ts';
import { findLogsByTraceId } from '../../../elasticsearch/findLogs.ts';
import { describeError } from '../errors.ts';

/** Where traces and logs are read; an absent one answers 404 naming what is not configured. */
export interface TraceSources {
  readonly jaegerQueryUrl?: string;
  readonly elasticsearchUrl?: string;
}

const TRACE_ID = /^[0-9a-f]{32}$/;

function badId(res: Response, traceId: string): boolean {
  if (TRACE_ID.test(traceId)) return false;
  res.status(400).json({ error: 'invalid_trace_id', message: 'traceId: 32 lowercase hex digits' });
  return true;
}

function unavailable(res: Response, backend: string, error: unknown): void {
  res.status(502).json({ error: 'backend_unavailable', message: `${backend}: ${describeError(error)}` });
}

/** The trace and log routes. */
export function traceRoutes(sources: TraceSources): Router {
  const router = Router();
  router.get('/traces/:traceId', async (req, res) => {
    const { traceId } = req.params;
    if (badId(res, traceId)) return;
    if (!sources.jaegerQueryUrl) {
      res.status(404).json({ error: 'not_configured', message: 'no Jaeger query API is configured' });
      return;
    }
    try {
      const trace = await getTrace(sources.jaegerQueryUrl, traceId);
      if (trace) res.json(trace);
      else res.status(404).json({ error: 'not_found', message: `Jaeger has no trace ${traceId} (yet)` });
    } catch (error) {
      unavailable(res, 'Jaeger', error);
    }
  });
  router.get('/traces/:traceId/logs', async (req, res) => {
    const { traceId } = req.params;
    if (badId(res, traceId)) return;
    if (!sources.elasticsearchUrl) {
      res.status(404).json({ error: 'not_configured', message: 'no Elasticsearch is configured' });
      return;
    }
    try {
      const logs = await findLogsByTraceId(sources.elasticsearchUrl, traceId, {
        signal: AbortSignal.timeout(5000),
      });
      res.json({ traceId, logs });
    } catch (error) {
      unavailable(res, 'Elasticsearch', error);
    }
  });
  return router;
}
