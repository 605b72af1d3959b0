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

const bases = { grafanaUrl: 'http://g', jaegerUrl: 'http://j', kibanaUrl: 'http://k' };

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
      grafanaUrl: 'http://localhost:3000',
      jaegerUrl: 'http://localhost:16686',
      kibanaUrl: 'http://localhost:5601',
      pagingReceiver: 'pagerduty',
      demoMode: false,
    });
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
    const kibana = kibanaTraceLogs(bases, traceId);
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
      readAt: '2026-01-01T00:00:00.000Z',
      orders: [],
      faults: {
        enabled: true,
        killable: ['gateway-1', 'order-service'],
        active: {
          ok: true,
          value: [{ kind: 'provider-down' }, { kind: 'kill', service: 'gateway-1' }],
        },
      },
      health: { ok: true, value: [] },
      breakers: { ok: true, value: [] },
      queues: { ok: false, error: 'Prometheus did not answer' },
      alerts: { ok: true, value: [] },
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
      readAt: '',
      orders: [],
      faults: { enabled: true, killable: ['gateway-1'], active: { ok: false, error: 'chaos control down' } },
      health: { ok: true, value: [] },
      breakers: { ok: true, value: [] },
      queues: { ok: true, value: [] },
      alerts: { ok: true, value: [] },
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
    const state: ConsoleState = {
      readAt: '',
      orders: [],
      faults: { enabled: false },
      health: { ok: true, value: [] },
      breakers: { ok: true, value: [] },
      queues: { ok: true, value: [] },
      alerts: { ok: true, value: [] },
    };
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
      },
    ]);
  });
});
