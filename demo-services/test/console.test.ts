/**
 * The demo console against a real Prometheus (scraping a fixture that serves catalogue
 * metrics, and a target that is down) and a real Alertmanager (Faultline's own routing, alerts
 * posted through its v2 API). The order API and the chaos control are scripted doubles, so a
 * test decides ids, statuses and hostile strings.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { defaultConfig, renderAlertmanagerConfig, receivers } from '@faultline/alerts';
import { metrics } from '@faultline/instrumentation';
import { stringify } from 'yaml';
import {
  RecordingChaos,
  startScriptedGateway,
  startTestConsole,
  type ScriptedGateway,
  type TestConsole,
} from './console-support/harness.ts';
import { startAlertmanager, startPrometheus, type RunningServer } from '../../backends/index.ts';
import { freePort } from '../shared/freePorts.ts';
import { waitFor } from './console-support/waitFor.ts';

interface ChartBody {
  series?: { name: string; points: [number, number][] }[];
  faults?: unknown[];
  error?: string;
}

const HOSTILE = `<script>alert("pwned")</script>'"&`;

function fixtureMetrics(): string {
  const breaker = metrics.breakerState.name;
  // The broker's own per-queue series (rabbitmq_prometheus's detailed endpoint), as the console reads them.
  const { ready, unacked } = defaultConfig.queueMetrics;
  const queue = (name: string, state: 'ready' | 'unacked', value: number) =>
    `${state === 'ready' ? ready : unacked}{vhost="/",queue="${name}"} ${value}`;
  return [
    `# TYPE ${breaker} gauge`,
    `${breaker}{service="payment-service",breaker="payment-provider",state="closed"} 0`,
    `${breaker}{service="payment-service",breaker="payment-provider",state="open"} 1`,
    `${breaker}{service="payment-service",breaker="payment-provider",state="half_open"} 0`,
    '# TYPE process_start_time_seconds gauge',
    'process_start_time_seconds{service="payment-service"} 1764000000',
    `# TYPE ${ready} gauge`,
    queue('orders.created', 'ready', 7),
    queue('orders.created.dlq', 'ready', 3),
    `# TYPE ${unacked} gauge`,
    queue('orders.created', 'unacked', 2),
    queue('orders.created.dlq', 'unacked', 0),
    '',
  ].join('\n');
}

async function serveFixture(): Promise<{ server: Server; target: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(fixtureMetrics());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function postAlerts(alertmanagerUrl: string, alerts: object[]): Promise<void> {
  const now = Date.now();
  const body = alerts.map((alert) => ({
    ...alert,
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
  }));
  const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`Alertmanager refused the alerts: ${response.status} ${await response.text()}`);
}

describe('demo console', () => {
  let fixture: { server: Server; target: string };
  let downTarget: string;
  let prometheus: RunningServer;
  let alertmanager: RunningServer;
  let gateway: ScriptedGateway;
  let chaos: RecordingChaos;
  let demo: TestConsole;

  beforeAll(async () => {
    fixture = await serveFixture();
    downTarget = `127.0.0.1:${await freePort()}`;
    const scrape = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [
        {
          job_name: 'faultline-services',
          honor_labels: true,
          // As the demo scrapes: no target labels; `service` comes from the metrics themselves.
          static_configs: [{ targets: [fixture.target, downTarget] }],
        },
      ],
    };
    const deadEnd = `http://127.0.0.1:${await freePort()}`;
    [prometheus, alertmanager, gateway] = await Promise.all([
      startPrometheus({ files: { 'prometheus.yml': stringify(scrape) } }),
      startAlertmanager({
        files: (dir) => ({
          'routing-key': 'test-routing-key\n',
          'alertmanager.yml': renderAlertmanagerConfig({
            routingKeyFile: path.join(dir, 'routing-key'),
            pagerDutyUrl: `${deadEnd}/v2/enqueue`,
            heartbeatUrl: `${deadEnd}/heartbeat`,
            warningWebhookUrl: `${deadEnd}/warnings`,
          }),
        }),
      }),
      startScriptedGateway(),
    ]);
    chaos = new RecordingChaos();
    demo = await startTestConsole({
      prometheusUrl: prometheus.url,
      alertmanagerUrl: alertmanager.url,
      gatewayUrl: gateway.url,
      demoMode: true,
      chaos,
      pagingReceiver: receivers.pager,
    });
  });

  afterAll(async () => {
    await demo?.close();
    await gateway?.close();
    await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
    await new Promise((resolve) => fixture?.server.close(resolve));
  });

  it('shows every scraped instance up or down, named by the service its metrics carry', async () => {
    const health = await waitFor(
      async () => {
        const rows = (await demo.state()).health.rows;
        return rows.length === 2 ? rows : undefined;
      },
      async () => `two instances in ${JSON.stringify((await demo.state()).health)}`,
    );
    expect(health).toEqual([
      // Never up: no series ever named its service.
      { service: '', instance: downTarget, up: false, label: 'down' },
      { service: 'payment-service', instance: fixture.target, up: true, label: 'up' },
    ]);
    const html = await demo.page();
    expect(html).toContain(`data-instance='${downTarget}' data-up='down'`);
  });

  it('shows the open breaker and the depths of the work and dead-letter queues', async () => {
    const model = await waitFor(
      async () => {
        const m = await demo.state();
        return m.breakers.rows.length > 0 && m.queues.rows.length === 2 ? m : undefined;
      },
      async () => `breakers and queues in ${JSON.stringify(await demo.state())}`,
    );
    expect(model.breakers.rows).toEqual([
      expect.objectContaining({ service: 'payment-service', breaker: 'payment-provider', state: 'open' }),
    ]);
    expect(model.queues.rows).toEqual([
      expect.objectContaining({ queue: 'orders.created', ready: 7, unacked: 2, deadLetter: false }),
      expect.objectContaining({ queue: 'orders.created.dlq', ready: 3, unacked: 0, deadLetter: true }),
    ]);
    expect(model.deadLetters).toBe(3);
    const html = await demo.page();
    expect(html).toContain(`data-breaker='payment-provider'`);
    expect(html).toMatch(/data-breaker-state='open'/);
    expect(html).toContain(`data-dead-letters='3'`);
  });

  it('lists the alerts firing in Alertmanager, and shows a critical one routed to the pager as would-have-paged with its runbook', async () => {
    await postAlerts(alertmanager.url, [
      {
        labels: { alertname: 'CircuitBreakerOpen', severity: 'critical', service: 'payment-service' },
        annotations: {
          summary: 'Breaker payment-provider is open',
          runbook_url: 'https://runbooks.test/alerts/CircuitBreakerOpen.md',
          dashboard_url: 'http://grafana.test:3000/d/faultline-fault-tolerance',
        },
      },
      {
        labels: { alertname: 'DeadLettersGrowing', severity: 'warning', service: 'payment-service' },
        annotations: { summary: 'Messages reach the dead-letter queue' },
      },
    ]);
    const model = await waitFor(
      async () => {
        const m = await demo.state();
        return m.alerts.rows.length >= 2 ? m : undefined;
      },
      async () => `two alerts in ${JSON.stringify((await demo.state()).alerts)}`,
    );
    const byName = Object.fromEntries(model.alerts.rows.map((a) => [a.name, a]));
    expect(byName.CircuitBreakerOpen).toMatchObject({
      severity: 'critical',
      paged: true,
      receivers: receivers.pager,
      runbookUrl: 'https://runbooks.test/alerts/CircuitBreakerOpen.md',
      dashboardUrl: 'http://grafana.test:3000/d/faultline-fault-tolerance',
    });
    // A warning goes to the warnings webhook: it pages nobody, and without a runbook_url the
    // link is built from the runbook base.
    expect(byName.DeadLettersGrowing).toMatchObject({
      paged: false,
      receivers: receivers.warning,
      runbookUrl: 'https://runbooks.test/alerts/DeadLettersGrowing.md',
    });
    expect(model.paged.map((a) => a.name)).toEqual(['CircuitBreakerOpen']);
    const html = await demo.page();
    expect(html).toContain(`data-paged-alert='CircuitBreakerOpen'`);
    expect(html).toContain(`href='https://runbooks.test/alerts/CircuitBreakerOpen.md'`);
  });

  it('escapes hostile text from the order API and alert annotations, and never links to a script URL', async () => {
    gateway.nextIds.push(HOSTILE);
    expect((await demo.post('/orders', { count: '1' })).status).toBe(303);
    await postAlerts(alertmanager.url, [
      {
        labels: { alertname: 'HostileAnnotation', severity: 'warning', service: HOSTILE },
        annotations: {
          summary: HOSTILE,
          runbook_url: 'javascript:alert(1)',
          dashboard_url: 'javascript:alert(2)',
        },
      },
    ]);
    await waitFor(
      async () =>
        (await demo.state()).alerts.rows.some((a) => a.name === 'HostileAnnotation') ? true : undefined,
      () => 'the hostile alert to be listed',
    );
    const escaped = '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&#x27;&quot;&amp;';
    const html = await demo.page();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('javascript:');
    expect(html).toContain(`data-order-id='${escaped}'`);
    expect(html).toContain(`<div>${escaped}</div>`);
    expect(html).toContain(`href='https://runbooks.test/alerts/HostileAnnotation.md'`);
    const state = (await (await fetch(`${demo.url}/api/state`)).json()) as {
      sections: Record<string, string>;
    };
    for (const section of Object.values(state.sections)) {
      expect(section).not.toContain('<script>alert');
      expect(section).not.toContain('javascript:');
    }
    expect(state.sections.orders).toContain(escaped);
  });

  it('places one order or a burst on the order API, each in its own trace, and follows their status', async () => {
    gateway.nextIds.push('order-one');
    await demo.post('/orders', { count: '1' });
    gateway.nextIds.push('burst-1', 'burst-2', 'burst-3');
    const burst = await demo.post('/orders', { count: '3', declined: 'yes' });
    expect(burst.status).toBe(303);
    const notice = await (await fetch(new URL(burst.headers.get('location') ?? '/', demo.url))).text();
    expect(notice).toContain('Placed 3 order(s).');

    const traceparents = gateway.posts.slice(-4).map((h) => String(h.traceparent));
    expect(new Set(traceparents).size).toBe(4);
    for (const tp of traceparents) expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    gateway.statuses.set('order-one', 'paid');
    gateway.statuses.set('burst-2', 'failed');
    const model = await waitFor(
      async () => {
        const m = await demo.state();
        const status = (id: string) => m.orders.rows.find((o) => o.orderId === id)?.status;
        return status('order-one') === 'paid' && status('burst-2') === 'failed' ? m : undefined;
      },
      async () => `statuses in ${JSON.stringify((await demo.state()).orders)}`,
    );
    const one = model.orders.rows.find((o) => o.orderId === 'order-one');
    const traceId = traceparents[0]?.split('-')[1];
    expect(one?.traceHref).toBe(`http://jaeger.test:16686/trace/${traceId}`);
    expect(one?.logsHref).toContain(`http://kibana.test:5601/app/discover#/`);
    expect(decodeURIComponent(one?.logsHref ?? '')).toContain(`trace.id:"${traceId}"`);
    expect(model.orders.rows.find((o) => o.orderId === 'burst-2')).toMatchObject({
      failureReason: 'card_declined',
    });
    expect(model.orders.rows.find((o) => o.orderId === 'burst-1')?.status).toBe('pending');
  });

  it('asks for confirmation on a page of its own before a fault is injected without script', async () => {
    const response = await demo.post('/faults', { action: 'inject', kind: 'provider-down' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Inject the fault &quot;provider-down&quot;?');
    expect(html).toContain(`<input type='hidden' name='confirmed' value='yes' />`);
    expect(chaos.calls).toEqual([]);
  });

  it('refuses a fault post from another origin, or from no page at all', async () => {
    const form = { action: 'inject', kind: 'provider-down', confirmed: 'yes' };
    expect((await demo.post('/faults', form, 'http://evil.test')).status).toBe(403);
    expect((await demo.post('/faults', form, '')).status).toBe(403);
    expect((await demo.post('/orders', { count: '1' }, 'http://evil.test')).status).toBe(403);
    expect(chaos.calls).toEqual([]);
  });

  it('injects, shows and clears every fault through the chaos control once confirmed', async () => {
    const confirmed = (form: Record<string, string>) => demo.post('/faults', { ...form, confirmed: 'yes' });
    expect((await confirmed({ action: 'inject', kind: 'provider-down' })).status).toBe(303);
    await confirmed({ action: 'inject', kind: 'provider-errors', rate: '0.25' });
    await confirmed({ action: 'inject', kind: 'kill', service: 'gateway-1' });
    for (const kind of ['provider-slow', 'redis-down', 'broker-down'])
      await confirmed({ action: 'inject', kind });

    const { faults } = await demo.state();
    if (!faults.enabled) throw new Error('fault controls are off in demo mode');
    const rows = Object.fromEntries(faults.rows.map((r) => [r.kind, r]));
    for (const kind of [
      'provider-down',
      'provider-slow',
      'provider-errors',
      'kill',
      'redis-down',
      'broker-down',
    ]) {
      expect(rows[kind]?.state).toBe('active');
    }
    expect(rows['provider-errors']?.stateLabel).toBe('on: provider-errors 0.25');
    expect(rows.kill?.stateLabel).toBe('on: kill gateway-1');

    await confirmed({ action: 'clear', kind: 'kill', service: 'gateway-1' });
    const invalid = await confirmed({ action: 'inject', kind: 'kill', service: 'postgres' });
    const notice = await (await fetch(new URL(invalid.headers.get('location') ?? '/', demo.url))).text();
    expect(notice).toContain('Invalid fault request: service: one of gateway-1, payment-service-2');
    await confirmed({ action: 'reset' });
    expect(chaos.calls).toEqual([
      'inject {"kind":"provider-down"}',
      'inject {"kind":"provider-errors","rate":0.25}',
      'inject {"kind":"kill","service":"gateway-1"}',
      'inject {"kind":"provider-slow"}',
      'inject {"kind":"redis-down"}',
      'inject {"kind":"broker-down"}',
      'clear {"kind":"kill","service":"gateway-1"}',
      'reset',
    ]);
    expect(chaos.faults).toEqual([]);
  });

  it('has no fault controls outside demo mode: none rendered, and a fault post is refused', async () => {
    const quiet = new RecordingChaos();
    const off = await startTestConsole({
      prometheusUrl: prometheus.url,
      alertmanagerUrl: alertmanager.url,
      gatewayUrl: gateway.url,
      demoMode: false,
      chaos: quiet,
    });
    try {
      const html = await off.page();
      expect(html).toContain('data-faults-off');
      expect(html).not.toContain("action='/faults'");
      const response = await off.post('/faults', {
        action: 'inject',
        kind: 'provider-down',
        confirmed: 'yes',
      });
      expect(response.status).toBe(403);
      expect(quiet.calls).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('charts a dashboard panel from the real Prometheus by name only, with the fault periods it saw, and refuses an unknown chart', async () => {
    const list = (await (await fetch(`${demo.url}/api/charts`)).json()) as { charts: { key: string }[] };
    expect(list.charts.map((c) => c.key)).toContain('breakers');
    const chart = (url: string) =>
      fetch(url).then(async (r) => ({ status: r.status, body: (await r.json()) as ChartBody }));
    const breakers = await waitFor(
      async () => {
        const answer = await chart(`${demo.url}/api/charts/breakers?minutes=5`);
        return answer.body.series?.some((s) => s.points.at(-1)?.[1] === 2) ? answer : undefined;
      },
      async () =>
        `the open breaker on the chart: ${JSON.stringify((await chart(`${demo.url}/api/charts/breakers`)).body)}`,
    );
    expect(breakers.body).toMatchObject({
      unit: 'short',
      display: 'states',
      origin: 'Faultline / Fault tolerance › Breaker state',
    });
    expect(breakers.body.series?.map((s) => s.name)).toEqual([
      `payment-service payment-provider (${fixture.target})`,
    ]);
    // A query in the URL is ignored: the chart runs only its own panel's queries.
    const smuggled = await chart(`${demo.url}/api/charts/breakers?query=${encodeURIComponent('up')}`);
    expect(smuggled.body.series?.map((s) => s.name)).toEqual(breakers.body.series?.map((s) => s.name));
    const unknown = await chart(`${demo.url}/api/charts/${encodeURIComponent('up{job="x"}')}`);
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown_chart' } });

    const before = Date.now();
    await demo.post('/faults', { action: 'inject', kind: 'provider-down', confirmed: 'yes' });
    await demo.post('/faults', { action: 'reset', confirmed: 'yes' });
    const marked = await chart(`${demo.url}/api/charts/breakers`);
    const since = (marked.body.faults ?? []) as { from: number }[];
    expect(since.filter((f) => f.from >= before)).toEqual([
      { label: 'provider-down', from: expect.any(Number), to: expect.any(Number) },
    ]);
  });

  it('serves ECharts from node_modules and renders runbooks as pages for a browser, markdown otherwise', async () => {
    const echarts = await fetch(`${demo.url}/static/vendor/echarts.min.js`);
    expect(echarts.status).toBe(200);
    expect(echarts.headers.get('content-type')).toMatch(/javascript/);
    expect((await echarts.text()).length).toBeGreaterThan(500_000);
    const html = await (
      await fetch(`${demo.url}/runbooks/CircuitBreakerFlapping.md`, { headers: { accept: 'text/html' } })
    ).text();
    expect(html).toContain(`data-runbook-page='CircuitBreakerFlapping'`);
    expect(html).toContain('<h1>CircuitBreakerFlapping</h1>');
    // Its link to another runbook stays relative: it opens the console's own page of it.
    expect(html).toContain('<a href="CircuitBreakerOpen.md">');
    const markdown = await (await fetch(`${demo.url}/runbooks/CircuitBreakerOpen.md`)).text();
    expect(markdown.split('\n')[0]).toBe('# CircuitBreakerOpen');
    const missing = await fetch(`${demo.url}/runbooks/..%2Fpackage.json`, {
      headers: { accept: 'text/html' },
    });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('data-message');
  });

  it('says in the page why a part is empty: Prometheus, the order service, Jaeger or Elasticsearch down, a malformed or unknown id', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await startTestConsole({
      prometheusUrl: dead,
      alertmanagerUrl: alertmanager.url,
      gatewayUrl: gateway.url,
      demoMode: false,
      orderServiceUrl: dead,
      traces: { jaegerQueryUrl: dead, elasticsearchUrl: dead },
    });
    try {
      const chart = await fetch(`${down.url}/api/charts/breakers`);
      expect(chart.status).toBe(502);
      expect(await chart.json()).toMatchObject({
        message: expect.stringMatching(`Prometheus at ${dead} did not answer`),
      });
      const page = await down.page();
      expect(page).toMatch(
        /data-orders-error>The order list could not be read:\s+the order service at [^ ]+ did not answer/,
      );
      const html = { headers: { accept: 'text/html' } };
      const order = await fetch(`${down.url}/orders/7f0c1f1e-0000-4000-8000-000000000001`, html);
      expect(order.status).toBe(502);
      expect(await order.text()).toMatch(/data-message>the order service at [^ ]+ did not answer/);
      const trace = await fetch(`${down.url}/traces/0af7651916cd43dd8448eb211c80319c`, html);
      expect(trace.status).toBe(200);
      const body = await trace.text();
      expect(body).toMatch(/data-trace-message>Jaeger at [^ ]+ could not be read/);
      expect(body).toMatch(/data-logs-message>Elasticsearch at [^ ]+ could not be read/);
      const malformed = await fetch(`${down.url}/traces/${encodeURIComponent('<b>x</b>')}`, html);
      expect(malformed.status).toBe(400);
      const text = await malformed.text();
      expect(text).toContain('32 lowercase hex digits');
      expect(text).not.toContain('<b>x');
    } finally {
      await down.close();
    }
    // Without an order service or trace backends configured, the pages say so.
    const orderPage = await fetch(`${demo.url}/orders/anything`, { headers: { accept: 'text/html' } });
    expect(orderPage.status).toBe(404);
    expect(await orderPage.text()).toContain('reads no order service');
    const trace = await (
      await fetch(`${demo.url}/traces/0af7651916cd43dd8448eb211c80319c`, { headers: { accept: 'text/html' } })
    ).text();
    expect(trace).toContain('No Jaeger query API is configured');
  });

  it('renders every value through the escaping {{ }} form: no template uses {{{ }}} or {{& }}', () => {
    const dir = path.resolve('demo-services/console/views');
    const templates = readdirSync(dir).filter((f) => f.endsWith('.hbs'));
    expect(templates.length).toBeGreaterThan(0);
    for (const file of templates) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      expect({ file, raw: /\{\{\{|\{\{~?\s*&/.test(source) }).toEqual({ file, raw: false });
    }
  });
});
