/**
 * The demo console: a server-rendered page to place orders, inject faults and watch the
 * system react, read from the real Prometheus and Alertmanager. `createConsoleApp` builds the
 * express app from its dependencies; `startConsole` wires the real ones and listens.
 */
import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import { consoleConfig, type ConsoleConfig } from './config.ts';
import { parseFaultForm, type ChaosControl, type FaultAction } from './faults.ts';
import { faultForm, pageModel } from './model.ts';
import { Notices, type Notice } from './notices.ts';
import { ConsoleOrders, MAX_BURST } from './orders.ts';
import { requireSameOrigin } from './sameOrigin.ts';
import { AlertmanagerSource } from './sources/alertmanager.ts';
import { PrometheusSource } from './sources/prometheus.ts';
import { readState, type StateSources } from './state.ts';
import { SECTIONS, Views } from './views.ts';
import { listen } from '../shared/httpServer.ts';

/** What the console app needs. */
export interface ConsoleDeps extends StateSources {
  readonly config: Pick<ConsoleConfig, 'grafanaUrl' | 'jaegerUrl' | 'kibanaUrl' | 'demoMode'>;
  readonly views: Views;
  /** Directory of `console.js` and `console.css`, served under `/static`. */
  readonly publicDir: string;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

async function apply(chaos: ChaosControl, action: FaultAction): Promise<void> {
  if (action.action === 'reset') await chaos.reset();
  else if (action.action === 'inject') await chaos.inject(action.fault);
  else await chaos.clear(action.fault);
}

/** Builds the console's express app. Fault routes exist only when `deps.chaos` is given. */
export function createConsoleApp(deps: ConsoleDeps): Express {
  const app = express();
  const notices = new Notices();
  const chaos = deps.config.demoMode ? deps.chaos : undefined;
  const sources: StateSources = { ...deps, chaos };
  const redirectWith = (res: Response, notice: Notice) =>
    res.redirect(303, `/?notice=${notices.add(notice)}`);

  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
    );
    res.set('x-content-type-options', 'nosniff');
    next();
  });
  app.use('/static', express.static(deps.publicDir, { maxAge: 0 }));
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));

  app.get('/', async (req, res) => {
    const model = pageModel(await readState(sources), deps.config);
    const notice = notices.get(req.query.notice);
    res.type('html').send(deps.views.page(model, { notice, demoMode: Boolean(chaos), maxBurst: MAX_BURST }));
  });

  app.get('/api/state', async (_req, res) => {
    const model = pageModel(await readState(sources), deps.config);
    const sections = Object.fromEntries(SECTIONS.map((name) => [name, deps.views.section(name, model)]));
    res.set('cache-control', 'no-store').json({ readAt: model.readAt, model, sections });
  });

  app.post('/orders', requireSameOrigin, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const count = Number(body.count ?? 1);
    if (!Number.isInteger(count) || count < 1 || count > MAX_BURST) {
      redirectWith(res, { kind: 'error', text: `count: a whole number from 1 to ${MAX_BURST}` });
      return;
    }
    try {
      const placed = await deps.orders.place(count, body.declined === 'yes');
      const text =
        placed.length === count ? `Placed ${count} order(s).` : `Placed ${placed.length} of ${count} orders.`;
      redirectWith(res, { kind: placed.length === count ? 'ok' : 'error', text });
    } catch (error) {
      redirectWith(res, { kind: 'error', text: `No order placed: ${describe(error)}` });
    }
  });

  app.post('/faults', requireSameOrigin, async (req: Request, res: Response) => {
    if (!chaos) {
      res
        .status(403)
        .type('text/plain')
        .send('Fault controls are off: the console is not running in demo mode.');
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = parseFaultForm(body, chaos.killableServices);
    if (!parsed.ok) {
      redirectWith(res, { kind: 'error', text: `Invalid fault request: ${parsed.message}` });
      return;
    }
    if (body.confirmed !== 'yes') {
      const form = faultForm(parsed.value, 'Confirm');
      res.type('html').send(deps.views.confirm(form.question, form.fields));
      return;
    }
    try {
      await apply(chaos, parsed.value);
      redirectWith(res, {
        kind: 'ok',
        text: `Done: ${faultForm(parsed.value, '').question.replace(/\?$/, '')}.`,
      });
    } catch (error) {
      redirectWith(res, { kind: 'error', text: `The fault could not be applied: ${describe(error)}` });
    }
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
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
    orders: new ConsoleOrders(config.gatewayUrl),
    prometheus: new PrometheusSource(config.prometheusUrl),
    alertmanager: new AlertmanagerSource({
      baseUrl: config.alertmanagerUrl,
      pagingReceiver: config.pagingReceiver,
      runbookBaseUrl: config.runbookBaseUrl,
    }),
    chaos: options.chaos,
  });
  const server = await listen(app, config.port, config.host);
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return { port: server.port, url: `http://${host}:${server.port}`, close: () => server.close() };
}
