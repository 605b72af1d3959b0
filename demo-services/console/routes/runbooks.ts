/**
 * `GET /runbooks/<AlertName>.md`: the alert runbooks, served by the console so the
 * `runbook_url` of the demo's alerts (and of its pages) opens a page the demo itself serves.
 * Only plain alert names are accepted; anything else is 404.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';

const RUNBOOK = /^[A-Za-z][A-Za-z0-9]*\.md$/;

/** The runbook route over the runbooks in `dir` (`alerts/runbooks`). */
export function runbookRoutes(dir: string): Router {
  const router = Router();
  router.get('/runbooks/:file', async (req, res) => {
    const { file } = req.params;
    if (!RUNBOOK.test(file)) {
      res.status(404).type('text/plain').send('no such runbook');
      return;
    }
    try {
      const text = await readFile(path.join(dir, file), 'utf8');
      res.type('text/markdown; charset=utf-8').send(text);
    } catch {
      res.status(404).type('text/plain').send(`no runbook ${file}`);
    }
  });
  return router;
}
