/**
 * The console app wired to test doubles where the real thing is not the subject: a scripted
 * order API (so a test controls ids and statuses, hostile ones included) and a recording
 * chaos control. Prometheus and Alertmanager are real and passed in by URL.
 */
import path from 'node:path';
import express from 'express';
import { chartCatalogue } from '../../console/charts/catalogue.ts';
import { loadDashboards, resolveCharts } from '../../console/charts/panelQueries.ts';
import type { ConsoleConfig } from '../../console/config.ts';
import type { ChaosControl, Fault } from '../../console/faults.ts';
import type { PageModel } from '../../console/model.ts';
import { ConsoleOrders } from '../../console/orders.ts';
import { createConsoleApp } from '../../console/server.ts';
import { AlertmanagerSource } from '../../console/sources/alertmanager.ts';
import { OrderServiceSource } from '../../console/sources/orderService.ts';
import { PrometheusSource } from '../../console/sources/prometheus.ts';
import { Views } from '../../console/views.ts';
import { listen, type RunningServer } from '../../shared/httpServer.ts';

/** An order API whose answers the test decides. */
export interface ScriptedGateway {
  readonly url: string;
  /** Ids handed out to the next orders, in order; then `order-<n>`. */
  readonly nextIds: string[];
  /** Status of each order by id. */
  readonly statuses: Map<string, 'pending' | 'paid' | 'failed'>;
  /** Headers of every POST received. */
  readonly posts: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

/** Starts a {@link ScriptedGateway}. */
export async function startScriptedGateway(): Promise<ScriptedGateway> {
  const nextIds: string[] = [];
  const statuses = new Map<string, 'pending' | 'paid' | 'failed'>();
  const posts: Record<string, string | string[] | undefined>[] = [];
  let n = 0;
  const app = express();
  app.use(express.json());
  app.post('/api/orders', (req, res) => {
    posts.push(req.headers);
    n += 1;
    const orderId = nextIds.shift() ?? `order-${n}`;
    statuses.set(orderId, 'pending');
    res.status(202).json({ orderId, status: 'pending' });
  });
  app.get('/api/orders/:id', (req, res) => {
    const status = statuses.get(req.params.id);
    if (!status) res.status(404).json({ error: 'not_found' });
    else
      res.json({
        orderId: req.params.id,
        status,
        ...(status === 'failed' ? { failureReason: 'card_declined' } : {}),
      });
  });
  const server: RunningServer = await listen(app, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${server.port}`, nextIds, statuses, posts, close: () => server.close() };
}

/** A chaos control that records what it was asked and keeps the faults in memory. */
export class RecordingChaos implements ChaosControl {
  readonly killableServices = ['gateway-1', 'payment-service-2'];
  readonly calls: string[] = [];
  faults: Fault[] = [];

  async active(): Promise<readonly Fault[]> {
    return this.faults;
  }
  async inject(fault: Fault): Promise<void> {
    this.calls.push(`inject ${JSON.stringify(fault)}`);
    this.faults = [...this.faults.filter((f) => f.kind !== fault.kind || f.kind === 'kill'), fault];
  }
  async clear(fault: Fault): Promise<void> {
    this.calls.push(`clear ${JSON.stringify(fault)}`);
    this.faults = this.faults.filter((f) => JSON.stringify(f) !== JSON.stringify(fault));
  }
  async reset(): Promise<void> {
    this.calls.push('reset');
    this.faults = [];
  }
}

/** A console listening on a free port. */
export interface TestConsole {
  readonly url: string;
  /** `GET /api/state`'s model. */
  state(): Promise<PageModel>;
  /** `GET /`'s HTML. */
  page(): Promise<string>;
  /** Posts a form as the console's own page would (same origin), without following the redirect. */
  post(route: string, form: Record<string, string>, origin?: string): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the console app on the sources given. */
export async function startTestConsole(options: {
  prometheusUrl: string;
  alertmanagerUrl: string;
  gatewayUrl: string;
  demoMode: boolean;
  chaos?: ChaosControl;
  pagingReceiver?: string;
  /** The order service's read API: the list shows every order, and order pages exist. */
  orderServiceUrl?: string;
  /** Where trace pages read Jaeger and Elasticsearch (default: neither; links go to the UIs). */
  traces?: Pick<ConsoleConfig, 'jaegerQueryUrl' | 'elasticsearchUrl'>;
}): Promise<TestConsole> {
  const config: Pick<
    ConsoleConfig,
    'grafanaUrl' | 'jaegerUrl' | 'kibanaUrl' | 'demoMode' | 'jaegerQueryUrl' | 'elasticsearchUrl'
  > = {
    grafanaUrl: 'http://grafana.test:3000',
    jaegerUrl: 'http://jaeger.test:16686',
    kibanaUrl: 'http://kibana.test:5601',
    demoMode: options.demoMode,
    ...options.traces,
  };
  const dir = path.resolve('demo-services/console');
  const app = createConsoleApp({
    config,
    views: new Views(path.join(dir, 'views')),
    publicDir: path.join(dir, 'public'),
    runbooksDir: path.resolve('alerts/runbooks'),
    charts: resolveCharts(chartCatalogue, loadDashboards(path.resolve('dashboards'))),
    orders: new ConsoleOrders(options.gatewayUrl),
    ...(options.orderServiceUrl ? { orderService: new OrderServiceSource(options.orderServiceUrl) } : {}),
    prometheus: new PrometheusSource(options.prometheusUrl),
    alertmanager: new AlertmanagerSource({
      baseUrl: options.alertmanagerUrl,
      pagingReceiver: options.pagingReceiver ?? 'pagerduty',
      runbookBaseUrl: 'https://runbooks.test/alerts',
    }),
    chaos: options.chaos,
  });
  const server = await listen(app, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    async state() {
      const body = (await (await fetch(`${url}/api/state`)).json()) as { model: PageModel };
      return body.model;
    },
    async page() {
      return (await fetch(`${url}/`)).text();
    },
    post(route, form, origin = url) {
      return fetch(`${url}${route}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
        body: new URLSearchParams(form).toString(),
      });
    },
    close: () => server.close(),
  };
}
