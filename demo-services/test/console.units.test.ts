/** The console's pure decisions: forms, origins, configuration, links and view models. */
import { consoleConfig } from '../console/config.ts';
import { confirmationQuestion, parseFaultForm } from '../console/faults.ts';
import { jaegerTrace, kibanaTraceLogs } from '../console/links.ts';
import { pageModel } from '../console/model.ts';
import { parseCount } from '../console/routes/orders.ts';
import { isSameOrigin } from '../console/sameOrigin.ts';
import { safeHttpUrl, toFiringAlert } from '../console/sources/alertmanager.ts';
import { toDeliveredPages } from '../console/sources/pagerSink.ts';
import { queueDepths } from '../console/sources/prometheus.ts';
import type { ConsoleState } from '../console/state.ts';
import path from 'node:path';
import { interpolate, panelsOf, targetsOf, variableValues } from '@faultline/dashboards';
import { chartCatalogue } from '../console/charts/catalogue.ts';
import { CONSOLE_RATE_INTERVAL, loadDashboards, resolveCharts } from '../console/charts/panelQueries.ts';
import { FaultTimeline } from '../console/faultTimeline.ts';
import { ordersView } from '../console/orderView.ts';
import { chartWindow } from '../console/routes/charts.ts';
import { traceView } from '../console/traceView.ts';
import type { JaegerTrace } from '../../backends/jaegerQuery.ts';

const bases = { grafanaUrl: 'http://g', jaegerUrl: 'http://j', kibanaUrl: 'http://k' };

/** A reading where every source answered with nothing, fault controls off. */
function quietState(): ConsoleState {
  return {
    readAt: '',
    orders: { source: 'console', orders: [] },
    faults: { enabled: false },
    health: { ok: true, value: [] },
    breakers: { ok: true, value: [] },
    queues: { ok: true, value: [] },
    alerts: { ok: true, value: [] },
  };
}

describe('order forms', () => {
  it('reads a count of 1 to 50 in plain digits, an absent one as 1, and refuses anything else', () => {
    expect([undefined, '1', '7', '50'].map(parseCount)).toEqual([1, 1, 7, 50]);
    expect(['0', '51', ' 3', '0x10', '1e1', '1.5', '', '-1', 'NaN'].map(parseCount)).toEqual(
      Array(9).fill(undefined),
    );
    expect(parseCount(['3', '4'])).toBeUndefined();
  });
});

describe('fault forms', () => {
  const killable = ['gateway-1', 'order-service'];

  it('reads every kind of fault, with its rate or service', () => {
    expect(parseFaultForm({ action: 'inject', kind: 'provider-down' }, killable)).toEqual({
      ok: true,
      value: { action: 'inject', fault: { kind: 'provider-down' } },
    });
    expect(parseFaultForm({ action: 'inject', kind: 'provider-errors', rate: '0.5' }, killable)).toEqual({
      ok: true,
      value: { action: 'inject', fault: { kind: 'provider-errors', rate: 0.5 } },
    });
    expect(parseFaultForm({ action: 'clear', kind: 'kill', service: 'gateway-1' }, killable)).toEqual({
      ok: true,
      value: { action: 'clear', fault: { kind: 'kill', service: 'gateway-1' } },
    });
    expect(parseFaultForm({ action: 'reset' }, killable)).toEqual({ ok: true, value: { action: 'reset' } });
  });

  it('names the wrong field of an invalid form', () => {
    expect(parseFaultForm({ action: 'explode' }, killable)).toEqual({
      ok: false,
      message: 'action: inject, clear or reset',
    });
    expect(parseFaultForm({ action: 'inject', kind: 'disk-full' }, killable)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^kind: one of provider-down, /),
    });
    for (const rate of ['0', '1.5', 'lots', '']) {
      expect(parseFaultForm({ action: 'inject', kind: 'provider-errors', rate }, killable)).toEqual({
        ok: false,
        message: 'rate: a number in (0, 1]',
      });
    }
    expect(parseFaultForm({ action: 'inject', kind: 'kill', service: 'postgres' }, killable)).toEqual({
      ok: false,
      message: 'service: one of gateway-1, order-service',
    });
  });

  it('asks the question the chaos command would answer', () => {
    expect(confirmationQuestion({ action: 'inject', fault: { kind: 'provider-errors', rate: 0.25 } })).toBe(
      'Inject the fault "provider-errors 0.25"?',
    );
    expect(confirmationQuestion({ action: 'clear', fault: { kind: 'kill', service: 'gateway-1' } })).toBe(
      'Clear the fault "kill gateway-1"?',
    );
  });
});

describe('same-origin check', () => {
  it('accepts a post whose Origin is the console itself', () => {
    expect(
      isSameOrigin({ origin: 'http://127.0.0.1:8088', secFetchSite: undefined, host: '127.0.0.1:8088' }),
    ).toBe(true);
    expect(isSameOrigin({ origin: undefined, secFetchSite: 'same-origin', host: '127.0.0.1:8088' })).toBe(
      true,
    );
  });

  it('refuses another origin, an opaque origin, and a request from no page', () => {
    expect(
      isSameOrigin({ origin: 'http://evil.test', secFetchSite: 'cross-site', host: '127.0.0.1:8088' }),
    ).toBe(false);
    expect(
      isSameOrigin({ origin: 'http://127.0.0.1:9999', secFetchSite: undefined, host: '127.0.0.1:8088' }),
    ).toBe(false);
    expect(isSameOrigin({ origin: 'null', secFetchSite: 'cross-site', host: '127.0.0.1:8088' })).toBe(false);
    expect(isSameOrigin({ origin: undefined, secFetchSite: undefined, host: '127.0.0.1:8088' })).toBe(false);
  });
});

describe('configuration', () => {
  it('defaults to the demo ports with fault controls off', () => {
    expect(consoleConfig({})).toMatchObject({
      port: 8088,
      gatewayUrl: 'http://127.0.0.1:8080',
      prometheusUrl: 'http://127.0.0.1:9090',
      alertmanagerUrl: 'http://127.0.0.1:9093',
      pagingReceiver: 'pagerduty',
      demoMode: false,
    });
  });

  it('configures no Grafana, Jaeger UI, Kibana or order service unless told: their links are hidden', () => {
    const config = consoleConfig({});
    for (const key of ['grafanaUrl', 'jaegerUrl', 'kibanaUrl', 'orderServiceUrl', 'jaegerQueryUrl'])
      expect(config).not.toHaveProperty(key);
    const state = quietState();
    expect(pageModel(state, {}).links).toEqual({
      dashboards: [],
      jaeger: undefined,
      kibana: undefined,
      any: false,
    });
    expect(pageModel(state, bases).links.any).toBe(true);
  });

  it('reads DEMO_MODE and base URLs, without a trailing slash', () => {
    const config = consoleConfig({ DEMO_MODE: 'true', JAEGER_URL: 'http://jaeger:16686/' });
    expect(config.demoMode).toBe(true);
    expect(config.jaegerUrl).toBe('http://jaeger:16686');
  });

  it('names the variable and what it accepts when a value is wrong', () => {
    expect(() => consoleConfig({ DEMO_MODE: 'yes' })).toThrow(/DEMO_MODE: true, false, 1 or 0/);
    expect(() => consoleConfig({ GRAFANA_URL: 'grafana' })).toThrow(/GRAFANA_URL/);
    expect(() => consoleConfig({ CONSOLE_PORT: '70000' })).toThrow(/CONSOLE_PORT/);
  });
});

describe('alerts and links', () => {
  it('counts an alert as paged only when critical and routed to the paging receiver', () => {
    const alert = (severity: string, receiver: string) =>
      toFiringAlert(
        { labels: { alertname: 'A', severity }, receivers: [{ name: receiver }] },
        'pagerduty',
        'https://rb',
      ).paged;
    expect(alert('critical', 'pagerduty')).toBe(true);
    expect(alert('critical', 'warnings')).toBe(false);
    expect(alert('warning', 'pagerduty')).toBe(false);
  });

  it('links only to http(s) URLs', () => {
    expect(safeHttpUrl('https://runbooks.test/A.md')).toBe('https://runbooks.test/A.md');
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,<script>')).toBeUndefined();
    expect(safeHttpUrl('/relative')).toBeUndefined();
  });

  it('links a trace to Jaeger and its log lines to Kibana by trace id', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    expect(jaegerTrace(bases, traceId)).toBe(`http://j/trace/${traceId}`);
    const kibana = kibanaTraceLogs(bases, traceId) ?? '';
    expect(kibana.startsWith('http://k/app/discover#/?_g=(time:(from:now-1h,to:now))&_a=')).toBe(true);
    expect(decodeURIComponent(kibana)).toContain(`query:'trace.id:"${traceId}"'`);
  });
});

describe('view models', () => {
  it('groups queue depths by queue, ready and unacked', () => {
    const samples = [
      { labels: { messaging_destination_name: 'q', state: 'ready' }, value: 4 },
      { labels: { messaging_destination_name: 'q', state: 'unacked' }, value: 1 },
    ];
    expect(queueDepths(samples, false)).toEqual([{ queue: 'q', ready: 4, unacked: 1, deadLetter: false }]);
  });

  it('offers to inject a fault that is off, to clear one that is on, and kill for services still running', () => {
    const state: ConsoleState = {
      ...quietState(),
      faults: {
        enabled: true,
        killable: ['gateway-1', 'order-service'],
        active: {
          ok: true,
          value: [{ kind: 'provider-down' }, { kind: 'kill', service: 'gateway-1' }],
        },
      },
      queues: { ok: false, error: 'Prometheus did not answer' },
    };
    const { faults, queues } = pageModel(state, bases);
    if (!faults.enabled) throw new Error('fault controls should be on');
    const rows = Object.fromEntries(faults.rows.map((r) => [r.kind, r]));
    expect(rows['provider-down']).toMatchObject({ state: 'active', inject: undefined });
    expect(rows['provider-down']?.clears.map((c) => c.label)).toEqual(['Clear']);
    expect(rows['redis-down']).toMatchObject({ state: 'inactive', clears: [] });
    expect(rows.kill?.inject?.services).toEqual(['order-service']);
    expect(rows.kill?.clears.map((c) => c.label)).toEqual(['Restart gateway-1']);
    expect(queues).toEqual({ rows: [], error: 'Prometheus did not answer' });
  });

  it('shows no fault control when the fault state cannot be read, and says why', () => {
    const state: ConsoleState = {
      ...quietState(),
      faults: { enabled: true, killable: ['gateway-1'], active: { ok: false, error: 'chaos control down' } },
    };
    const { faults } = pageModel(state, bases);
    if (!faults.enabled) throw new Error('fault controls should be on');
    expect(faults.error).toBe('chaos control down');
    expect(faults.rows.every((r) => r.state === 'unknown' && r.inject === undefined)).toBe(true);
  });
});

describe('delivered pages', () => {
  const trigger = {
    receivedAt: '2026-01-01T00:00:01.000Z',
    dedup_key: 'k1',
    event: {
      event_action: 'trigger',
      payload: {
        summary: 'open',
        severity: 'critical',
        component: 'payment-service',
        class: 'CircuitBreakerOpen',
      },
    },
  };

  it("carries the runbook and dashboard links of a page, whatever they point at, http(s) only; a resolve takes its trigger's", () => {
    const linked = {
      ...trigger,
      event: {
        ...trigger.event,
        links: [
          { href: 'http://127.0.0.1:8088/runbooks/CircuitBreakerOpen.md', text: 'Runbook' },
          { href: 'http://127.0.0.1:8088/dashboards/faultline-fault-tolerance', text: 'Dashboard' },
        ],
      },
    };
    const resolve = {
      receivedAt: '2026-01-01T00:00:09.000Z',
      dedup_key: 'k1',
      event: { event_action: 'resolve' },
    };
    const [resolved, triggered] = toDeliveredPages([linked, resolve]);
    for (const page of [resolved, triggered])
      expect(page).toMatchObject({
        runbookUrl: 'http://127.0.0.1:8088/runbooks/CircuitBreakerOpen.md',
        dashboardUrl: 'http://127.0.0.1:8088/dashboards/faultline-fault-tolerance',
      });
    const hostile = {
      ...trigger,
      event: { ...trigger.event, links: [{ href: 'javascript:alert(1)', text: 'Runbook' }] },
    };
    expect(toDeliveredPages([hostile])[0]).not.toHaveProperty('runbookUrl');
  });

  it('lists accepted events newest first, a payload-less resolve named after its trigger', () => {
    const resolve = {
      receivedAt: '2026-01-01T00:00:09.000Z',
      dedup_key: 'k1',
      event: { event_action: 'resolve' },
    };
    expect(toDeliveredPages([trigger, resolve])).toEqual([
      {
        receivedAt: resolve.receivedAt,
        action: 'resolve',
        dedupKey: 'k1',
        alertname: 'CircuitBreakerOpen',
        service: 'payment-service',
        severity: 'critical',
        summary: 'open',
      },
      {
        receivedAt: trigger.receivedAt,
        action: 'trigger',
        dedupKey: 'k1',
        alertname: 'CircuitBreakerOpen',
        service: 'payment-service',
        severity: 'critical',
        summary: 'open',
      },
    ]);
  });

  it('keeps the last pages only, and the page model shows none when no sink is configured', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...trigger, dedup_key: `k${i}` }));
    expect(toDeliveredPages(many, 5).map((p) => p.dedupKey)).toEqual(['k29', 'k28', 'k27', 'k26', 'k25']);
    const state = quietState();
    expect(pageModel(state, bases).delivered).toBeUndefined();
    const withPages = pageModel({ ...state, pages: { ok: true, value: toDeliveredPages([trigger]) } }, bases);
    expect(withPages.delivered?.rows).toEqual([
      {
        alertname: 'CircuitBreakerOpen',
        action: 'trigger',
        dedupKey: 'k1',
        service: 'payment-service',
        severity: 'critical',
        summary: 'open',
        at: '00:00:01 UTC',
        runbookUrl: undefined,
        dashboardUrl: undefined,
      },
    ]);
  });
});

describe('charts', () => {
  const dashboards = loadDashboards(path.resolve('dashboards'));
  const charts = resolveCharts(chartCatalogue, dashboards);

  it("runs, for every dashboard chart, exactly the generated panel's queries with its variables filled in", () => {
    for (const definition of chartCatalogue) {
      const chart = charts.find((c) => c.key === definition.key);
      const { source } = definition;
      if (source.kind !== 'panel') continue;
      const json = dashboards.find((d) => d.uid === source.dashboard);
      const panel = json && panelsOf(json).find((p) => p.title === source.panel);
      if (!json || !panel || panel.type === 'row') throw new Error(`${definition.key}: no panel`);
      const values = variableValues(json, {
        rateInterval: CONSOLE_RATE_INTERVAL,
        ...(source.variables ? { variables: source.variables } : {}),
      });
      const expected = targetsOf(panel as Parameters<typeof targetsOf>[0])
        .filter((t) => !source.refIds || source.refIds.includes(t.refId))
        .map((t) => interpolate(t.expr, values));
      expect({ key: definition.key, queries: chart?.queries.map((q) => q.expr) }).toEqual({
        key: definition.key,
        queries: expected,
      });
      // Every variable and macro filled in (`$1` is a label_replace group, not a variable).
      expect(chart?.queries.filter((q) => /\$(\{|\[|[A-Za-z_])/.test(q.expr))).toEqual([]);
    }
    expect(charts.find((c) => c.key === 'gateway-requests')?.queries[0]?.expr).toContain(
      'service=~"gateway"',
    );
    expect(charts.find((c) => c.key === 'gateway-latency')).toMatchObject({
      unit: 's',
      queries: [
        expect.objectContaining({ legend: 'p50 {{service}}', exemplars: true }),
        expect.objectContaining({ legend: 'p99 {{service}}' }),
      ],
    });
  });

  it('covers orders, gateway rate, errors and latency, breakers, retries, queues, lag (Kafka’s too), dead letters and telemetry', () => {
    expect(charts.map((c) => c.key)).toEqual([
      'orders',
      'orders-pending',
      'gateway-requests',
      'gateway-errors',
      'gateway-latency',
      'breakers',
      'retries',
      'queue-depth',
      'consumer-lag',
      'kafka-lag',
      'dead-letters',
      'telemetry-exported',
      'telemetry-dropped',
    ]);
  });

  it('fails loudly when a chart names a panel no dashboard has', () => {
    const missing = {
      key: 'x',
      title: 'x',
      display: 'lines' as const,
      source: { kind: 'panel' as const, dashboard: 'faultline-queues', panel: 'Nope' },
    };
    expect(() => resolveCharts([missing], dashboards)).toThrow(
      /dashboard faultline-queues has no panel "Nope"/,
    );
  });

  it('charts 1 to 60 minutes, 10 by default, about 150 points, never finer than 2 s', () => {
    const now = new Date('2026-01-01T00:10:00Z');
    const minutes = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 60_000;
    expect(minutes(chartWindow('5', now))).toBe(5);
    for (const bad of [undefined, '0', '61', '1e1', ' 5', ['5']])
      expect(minutes(chartWindow(bad, now))).toBe(10);
    expect(chartWindow('60', now).stepSeconds).toBe(24);
    expect(chartWindow('1', now).stepSeconds).toBe(2);
  });

  it('marks each fault from when it was seen in effect until it was seen cleared', () => {
    const timeline = new FaultTimeline();
    timeline.observe([], 1000);
    timeline.observe([{ kind: 'provider-down' }], 2000);
    timeline.observe([{ kind: 'provider-down' }, { kind: 'kill', service: 'gateway-1' }], 3000);
    timeline.observe([{ kind: 'kill', service: 'gateway-1' }], 4000);
    expect(timeline.periods(0)).toEqual([
      { label: 'provider-down', from: 2000, to: 4000 },
      { label: 'kill gateway-1', from: 3000 },
    ]);
    expect(timeline.periods(4500)).toEqual([{ label: 'kill gateway-1', from: 3000 }]);
  });
});

describe('orders and traces', () => {
  const listed = {
    orderId: '7f0c1f1e-0000-4000-8000-000000000001',
    status: 'paid' as const,
    customerId: 'load',
    amountCents: 2500,
    createdAt: '2026-01-01T00:00:01.000Z',
    updatedAt: '2026-01-01T00:00:03.000Z',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    history: [
      { status: 'pending' as const, at: '2026-01-01T00:00:01.000Z' },
      { status: 'paid' as const, at: '2026-01-01T00:00:03.000Z' },
    ],
  };

  it('lists every order with its history, its page and, where the console reads them, its trace and logs', () => {
    const view = ordersView(
      { source: 'system', filter: 'paid', orders: { ok: true, value: [listed] } },
      { jaegerQueryUrl: 'http://jaeger', elasticsearchUrl: 'http://es' },
    );
    expect(view.rows).toEqual([
      expect.objectContaining({
        orderHref: `/orders/${listed.orderId}`,
        history: 'pending 00:00:01 UTC → paid 00:00:03 UTC',
        traceHref: `/traces/${listed.traceId}`,
        logsHref: `/traces/${listed.traceId}/logs`,
      }),
    ]);
    expect(view.filters?.filter((f) => f.selected).map((f) => f.value)).toEqual(['paid']);
    const down = ordersView({ source: 'system', orders: { ok: false, error: 'order service down' } }, {});
    expect(down).toMatchObject({ rows: [], error: 'order service down' });
    const unlinked = ordersView({ source: 'system', orders: { ok: true, value: [listed] } }, {});
    expect(unlinked.rows[0]).toMatchObject({ traceHref: undefined, logsHref: undefined });
  });

  it('draws a trace as a waterfall in tree order, with errors and the broker hop', () => {
    const span = (
      id: string,
      parent: string | undefined,
      process: string,
      start: number,
      tags: [string, unknown][],
    ) => ({
      traceID: 't',
      spanID: id,
      operationName: `op-${id}`,
      references: parent ? [{ refType: 'CHILD_OF' as const, traceID: 't', spanID: parent }] : [],
      startTime: start,
      duration: 1000,
      tags: tags.map(([key, value]) => ({ key, type: 'string', value })),
      processID: process,
    });
    const trace: JaegerTrace = {
      traceID: 't',
      processes: {
        p1: { serviceName: 'gateway', tags: [] },
        p2: { serviceName: 'order-service', tags: [] },
        p3: { serviceName: 'payment-service', tags: [] },
      },
      spans: [
        span('c', 'b', 'p3', 3000, [
          ['span.kind', 'consumer'],
          ['messaging.system', 'rabbitmq'],
          ['otel.status_code', 'ERROR'],
        ]),
        span('a', undefined, 'p1', 1000, [['span.kind', 'server']]),
        span('b', 'a', 'p2', 2000, [
          ['span.kind', 'producer'],
          ['messaging.system', 'rabbitmq'],
        ]),
      ],
    };
    const view = traceView(trace);
    expect(view.spans.map((s) => [s.spanId, s.depth, s.offsetMs, s.broker, s.error])).toEqual([
      ['a', 0, 0, false, false],
      ['b', 1, 1, true, false],
      ['c', 2, 2, true, true],
    ]);
    expect(view).toMatchObject({
      services: ['gateway', 'order-service', 'payment-service'],
      totalMs: 3,
      errors: 1,
    });
  });
});
