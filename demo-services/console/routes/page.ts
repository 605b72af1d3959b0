/** `GET /`: the whole page; `GET /api/state`: the model and re-rendered sections the script patches in. */
import { Router } from 'express';
import type { ConsoleConfig } from '../config.ts';
import { pageModel } from '../model.ts';
import type { Notices } from '../notices.ts';
import { MAX_BURST } from '../orders.ts';
import { readState, type StateSources } from '../state.ts';
import { SECTIONS, type Views } from '../views.ts';

/** What the page routes read. */
export interface PageDeps {
  readonly sources: StateSources;
  readonly views: Views;
  readonly links: Pick<
    ConsoleConfig,
    'grafanaUrl' | 'jaegerUrl' | 'kibanaUrl' | 'jaegerQueryUrl' | 'elasticsearchUrl'
  >;
  readonly notices: Notices;
}

/** The page routes. */
export function pageRoutes(deps: PageDeps): Router {
  const router = Router();
  const model = async () => pageModel(await readState(deps.sources), deps.links);

  router.get('/', async (req, res) => {
    const extras = {
      notice: deps.notices.get(req.query.notice),
      demoMode: deps.sources.chaos !== undefined,
      maxBurst: MAX_BURST,
    };
    res.type('html').send(deps.views.page(await model(), extras));
  });

  router.get('/api/state', async (_req, res) => {
    const current = await model();
    const sections = Object.fromEntries(SECTIONS.map((name) => [name, deps.views.section(name, current)]));
    res.set('cache-control', 'no-store').json({ readAt: current.readAt, model: current, sections });
  });
  return router;
}
