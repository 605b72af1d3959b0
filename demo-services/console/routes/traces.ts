/**
 * `GET /traces/:traceId` and `GET /traces/:traceId/logs`: one trace as Jaeger's query API stored
 * it and its log lines as Elasticsearch stored them, read by the console server so the order
 * list's links answer where no Jaeger UI or Kibana runs (the local demo).
 *
 * A browser (asking for HTML) gets the trace page: the waterfall and the log lines, each part
 * saying why it is empty when it is. Anyone else gets JSON with a clear error: 400 for a malformed
 * id, 404 while nothing is stored, 502 when a backend is down.
 */
import { Router, type Request, type Response } from 'express';
import { getTrace } from '../../../backends/jaegerQuery.ts';
import { findLogsByTraceId } from '../../../elasticsearch/findLogs.ts';
import { describeError } from '../errors.ts';
import type { LinkBases } from '../links.ts';
import { readTracePanels, TRACE_ID, TRACE_ID_RULE, type TraceSources } from '../tracePanels.ts';
import type { Views } from '../views.ts';

function wantsHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}

function unavailable(res: Response, backend: string, error: unknown): void {
  res.status(502).json({ error: 'backend_unavailable', message: `${backend}: ${describeError(error)}` });
}

async function traceJson(sources: TraceSources, traceId: string, res: Response): Promise<void> {
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
}

async function logsJson(sources: TraceSources, traceId: string, res: Response): Promise<void> {
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
}

/** The trace and log routes. */
export function traceRoutes(sources: TraceSources & LinkBases, views: Views): Router {
  const router = Router();
  const handle = (json: typeof traceJson) => async (req: Request, res: Response) => {
    const traceId = String(req.params.traceId);
    const html = wantsHtml(req);
    if (!TRACE_ID.test(traceId)) {
      if (html)
        res
          .status(400)
          .type('html')
          .send(views.message('Malformed trace id', `Not a trace id: ${TRACE_ID_RULE}.`));
      else res.status(400).json({ error: 'invalid_trace_id', message: TRACE_ID_RULE });
      return;
    }
    if (html) res.type('html').send(views.tracePage(await readTracePanels(sources, traceId)));
    else await json(sources, traceId, res);
  };
  router.get('/traces/:traceId', handle(traceJson));
  router.get('/traces/:traceId/logs', handle(logsJson));
  return router;
}
