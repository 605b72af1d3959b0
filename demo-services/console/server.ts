/**
 * The demo console: a server-rendered page to place orders, inject faults and watch the
 * system react, read from the real Prometheus and Alertmanager. `createConsoleApp` builds the
 * express app from its dependencies; `startConsole` wires the real ones and listens.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Express } from 'express';
import { chartCatalogue } from './charts/catalogue.ts';
import { loadDashboards, resolveCharts, type ResolvedChart } from './charts/panelQueries.ts';
import { FaultTimeline } from './faultTimeline.ts';
import { consoleConfig, type ConsoleConfig } from './config.ts';
import type { ChaosControl } from './faults.ts';
import { Notices } from './notices.ts';
import { ConsoleOrders } from './orders.ts';
import { chartRoutes } from './routes/charts.ts';
import { dashboardPreviewRoutes } from './routes/dashboards.ts';
import { faultRoutes } from './routes/faults.ts';
import { orderPageRoutes } from './routes/orderPage.ts';
import { orderRoutes } from './routes/orders.ts';
import { pageRoutes } from './routes/page.ts';
import { redirectWith } from './routes/redirect.ts';
import { runbookRoutes } from './routes/runbooks.ts';
import { traceRoutes } from './routes/traces.ts';
import { AlertmanagerSource } from './sources/alertmanager.ts';
import { OrderServiceSource } from './sources/orderService.ts';
import { PagerSinkSource } from './sources/pagerSink.ts';
import { PrometheusSource } from './sources/prometheus.ts';
import type { StateSources } from './state.ts';
import { Views } from './views.ts';
import { jsonErrors } from '../shared/httpErrors.ts';
import { listen } from '../shared/httpServer.ts';
import { createLogger, type Logger } from '../shared/logger.ts';

/** What the console app needs. */
export interface ConsoleDeps extends StateSources {
  readonly config: Pick<
    ConsoleConfig,
    'grafanaUrl' | 'jaegerUrl' | 'kibanaUrl' | 'jaegerQueryUrl' | 'elasticsearchUrl' | 'demoMode'
  >;
  readonly views: Views;
  /** Directory of `console.js` and `console.css`, served under `/static`. */
  readonly publicDir: string;
  /** Where unexpected errors are logged (default: errors to stdout). */
  readonly log?: Logger;
  /** The alert runbooks (`alerts/runbooks`), served under `/runbooks`; none when undefined. */
  readonly runbooksDir?: string;
  /** The dashboards' previews (`dashboards/preview`), served under `/d/<uid>`; none when undefined. */
  readonly dashboardPreviewsDir?: string;
  /** The charts the page draws and `/api/charts` runs (default: none). */
  readonly charts?: readonly ResolvedChart[];
}

/** ECharts' browser build, served from node_modules as `/static/vendor/echarts.min.js` (no CDN). */
function echartsFile(publicDir: string): string {
  return createRequire(path.join(publicDir, 'console.js')).resolve('echarts/dist/echarts.min.js');
}

/** Largest form the console parses, in bytes; a larger one is 413. */
export const CONSOLE_MAX_FORM_BYTES = 10 * 1024;

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'";

/**
 * Builds the console's express app. Fault controls exist only in demo mode with a chaos
 * control; otherwise the page has none and fault posts are refused.
 */
export function createConsoleApp(deps: ConsoleDeps): Express {
  const app = express();
  const notices = new Notices();
  const redirect = redirectWith(notices);
  const chaos: ChaosControl | undefined = deps.config.demoMode ? deps.chaos : undefined;
  const faultTimeline = deps.faultTimeline ?? new FaultTimeline();
  const charts = deps.charts ?? [];
  const sources = { ...deps, chaos, faultTimeline };

  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('content-security-policy', CONTENT_SECURITY_POLICY);
    res.set('x-content-type-options', 'nosniff');
    next();
  });
  const echarts = echartsFile(deps.publicDir);
  app.get('/static/vendor/echarts.min.js', (_req, res) => {
    res.sendFile(echarts);
  });
  app.use('/static', express.static(deps.publicDir, { maxAge: 0 }));
  app.use(express.urlencoded({ extended: false, limit: CONSOLE_MAX_FORM_BYTES, parameterLimit: 50 }));
  app.use(pageRoutes({ sources, views: deps.views, links: deps.config, notices, charts }));
  app.use(chartRoutes({ charts, prometheus: deps.prometheus, faultTimeline, links: deps.config }));
  app.use(orderRoutes(deps.orders, redirect));
  app.use(orderPageRoutes(deps.orderService, deps.config, deps.views));
  app.use(faultRoutes(chaos, deps.views, redirect, faultTimeline));
  app.use(traceRoutes(deps.config, deps.views));
  if (deps.runbooksDir) app.use(runbookRoutes(deps.runbooksDir, deps.views));
  if (deps.dashboardPreviewsDir) app.use(dashboardPreviewRoutes(deps.dashboardPreviewsDir));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // A form too large or malformed is a JSON 4xx naming the limit; anything unexpected a 500
  // with a trace id only (express's own page would show the stack outside production).
  app.use(
    jsonErrors({ log: deps.log ?? createLogger('console', 'error'), limitBytes: CONSOLE_MAX_FORM_BYTES }),
  );
  return app;
}

/** Options of {@link startConsole}. */
export interface StartConsoleOptions {
  /** Overrides of the configuration read from the environment (`consoleConfig()`). */
  readonly config?: Partial<ConsoleConfig>;
  /** How faults are applied; fault controls are shown only with it and in demo mode. */
  readonly chaos?: ChaosControl;
  /**
   * The console's directory (holding `views/` and `public/`). Default:
   * `demo-services/console` under the current directory (the repository root under `npm run demo`).
   */
  readonly dir?: string;
}

/** A listening console. */
export interface RunningConsole {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the console on `config.port` (8088 by default; 0 picks a free port) and resolves once
 * it listens. Throws ConsoleConfigError on a bad environment, or if the port is taken.
 */
export async function startConsole(options: StartConsoleOptions = {}): Promise<RunningConsole> {
  const config: ConsoleConfig = { ...consoleConfig(), ...options.config };
  const dir = options.dir ?? path.resolve('demo-services/console');
  const app = createConsoleApp({
    config,
    views: new Views(path.join(dir, 'views')),
    publicDir: path.join(dir, 'public'),
    runbooksDir: path.resolve(dir, '..', '..', 'alerts', 'runbooks'),
    charts: resolveCharts(chartCatalogue, loadDashboards(path.resolve(dir, '..', '..', 'dashboards'))),
    dashboardPreviewsDir: path.resolve(dir, '..', '..', 'dashboards', 'preview'),
    orders: new ConsoleOrders(config.gatewayUrl),
    ...(config.orderServiceUrl ? { orderService: new OrderServiceSource(config.orderServiceUrl) } : {}),
    prometheus: new PrometheusSource(config.prometheusUrl),
    alertmanager: new AlertmanagerSource({
      baseUrl: config.alertmanagerUrl,
      pagingReceiver: config.pagingReceiver,
      runbookBaseUrl: config.runbookBaseUrl,
    }),
    chaos: options.chaos,
    ...(config.pagerSinkUrl ? { pager: new PagerSinkSource({ baseUrl: config.pagerSinkUrl }) } : {}),
  });
  const server = await listen(app, config.port, config.host);
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return { port: server.port, url: `http://${host}:${server.port}`, close: () => server.close() };
}
