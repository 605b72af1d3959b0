/**
 * `GET /?status=`: the whole page, the order list filtered to a status; `GET /api/state?status=`:
 * the model and re-rendered sections the script patches in.
 */
import { Router, type Request } from 'express';
import type { ResolvedChart } from '../charts/panelQueries.ts';
import type { ConsoleConfig } from '../config.ts';
import { pageModel } from '../model.ts';
import type { Notices } from '../notices.ts';
import { MAX_BURST } from '../orders.ts';
import { orderStatusFilter } from '../sources/orderService.ts';
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
  /** The charts the page draws (their containers; the script fetches their data). */
  readonly charts: readonly ResolvedChart[];
}

/** The page routes. */
export function pageRoutes(deps: PageDeps): Router {
  const router = Router();
  const model = async (req: Request) =>
    pageModel(await readState(deps.sources, orderStatusFilter(req.query.status)), deps.links);

  router.get('/', async (req, res) => {
    const extras = {
      notice: deps.notices.get(req.query.notice),
      demoMode: deps.sources.chaos !== undefined,
      maxBurst: MAX_BURST,
      status: orderStatusFilter(req.query.status) ?? '',
      charts: deps.charts.map(({ key, title, unit, origin }) => ({ key, title, unit, origin })),
    };
    res.type('html').send(deps.views.page(await model(req), extras));
  });

  router.get('/api/state', async (req, res) => {
    const current = await model(req);
    const sections = Object.fromEntries(SECTIONS.map((name) => [name, deps.views.section(name, current)]));
    res.set('cache-control', 'no-store').json({ readAt: current.readAt, model: current, sections });
  });
  return router;
}
