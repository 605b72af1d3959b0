/**
 * `GET /d/<uid>`: the dashboards' previews (`dashboards/preview/<uid>.png`, rendered from the
 * demo's Prometheus), at Grafana's own dashboard path, so the `dashboard_url` of the demo's
 * alerts (and of its pages) opens a page the demo serves when no Grafana runs. Only plain
 * dashboard UIDs are accepted; anything else is 404.
 */
import path from 'node:path';
import { Router } from 'express';

const UID = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** The dashboard route over the previews in `dir` (`dashboards/preview`). */
export function dashboardPreviewRoutes(dir: string): Router {
  const router = Router();
  router.get('/d/:uid', (req, res) => {
    const { uid } = req.params;
    if (!UID.test(uid)) {
      res.status(404).type('text/plain').send('no such dashboard');
      return;
    }
    res.sendFile(path.join(dir, `${uid}.png`), (error) => {
      if (error && !res.headersSent) res.status(404).type('text/plain').send(`no dashboard ${uid}`);
    });
  });
  return router;
}
