/**
 * `GET /runbooks/<AlertName>.md`: the alert runbooks, served by the console so the
 * `runbook_url` of the demo's alerts (and of its pages) opens a page the demo itself serves, and
 * works offline. A browser gets the runbook rendered as a page (markdown-it, raw HTML in the
 * markdown disabled, so a runbook cannot inject markup); anyone else the markdown. Only plain
 * alert names are accepted; anything else is 404.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import MarkdownIt from 'markdown-it';
import type { Views } from '../views.ts';

const RUNBOOK = /^[A-Za-z][A-Za-z0-9]*\.md$/;

/** The runbook route over the runbooks in `dir` (`alerts/runbooks`). */
export function runbookRoutes(dir: string, views: Views): Router {
  const router = Router();
  const markdown = new MarkdownIt({ html: false, linkify: true });
  router.get('/runbooks/:file', async (req, res) => {
    const { file } = req.params;
    const html = req.accepts(['text/markdown', 'html']) === 'html';
    const missing = (text: string) =>
      html
        ? res.status(404).type('html').send(views.message('No such runbook', text))
        : res.status(404).type('text/plain').send(text);
    if (!RUNBOOK.test(file)) {
      missing('no such runbook');
      return;
    }
    let text: string;
    try {
      text = await readFile(path.join(dir, file), 'utf8');
    } catch {
      missing(`no runbook ${file}`);
      return;
    }
    if (html) res.type('html').send(views.runbook(file.replace(/\.md$/, ''), markdown.render(text)));
    else res.type('text/markdown; charset=utf-8').send(text);
  });
  return router;
}
