/**
 * A page that really arrives. A payment service instrumented with Faultline's drop-in flag
 * calls its provider through an opossum breaker; a real Prometheus scrapes it and evaluates the
 * generated rules, a real Alertmanager routes with the generated config, and a strict PagerDuty
 * Events API v2 receiver stands in for PagerDuty. Taking the provider down must open the
 * breaker and page once as `CircuitBreakerOpen`; bringing it back must resolve that same page.
 * Only the timings are shortened (see e2eConfig in support/pagingStack.ts).
 */
import { existsSync } from 'node:fs';
import type { ReceivedPagerDutyEvent } from '../../../testing/index.ts';
import { runbookUrl } from '../../src/render.ts';
import { alertsPath } from '../support/paths.ts';
import { pollUntil } from '../support/poll.ts';
import { Cleanup } from './support/cleanup.ts';
import { BREAKER, e2eConfig, SERVICE, startPagingStack, type PagingStack } from './support/pagingStack.ts';
import { startTraffic, type Traffic } from './support/traffic.ts';

const ALERT = 'CircuitBreakerOpen';

/** The breaker's state gauge for `state`, present only while the breaker is in it. */
const inState = (state: string) =>
  `circuit_breaker_state{job="faultline-services", service="${SERVICE}", breaker="${BREAKER}", state="${state}"} == 1`;

const isBreakerTrigger = ({ event }: ReceivedPagerDutyEvent): boolean =>
  event.event_action === 'trigger' &&
  event.payload?.summary.includes(ALERT) === true &&
  String(event.payload.custom_details?.labels).includes(`breaker=${BREAKER}`);

describe('a payment provider outage, from the breaker to PagerDuty and back', () => {
  const cleanup = new Cleanup();
  let stack: PagingStack;
  let traffic: Traffic | undefined;
  let trigger: ReceivedPagerDutyEvent;

  beforeAll(async () => {
    stack = await startPagingStack(cleanup);
    const started = startTraffic(stack.app.url);
    cleanup.add(() => started.stop());
    traffic = started;
  }, 30_000);

  afterAll(() => cleanup.run());

  async function fault(action: 'provider-down' | 'reset'): Promise<void> {
    const res = await fetch(`${stack.provider.url}/fault/${action}`, { method: 'POST' });
    if (!res.ok) throw new Error(`POST /fault/${action} answered ${res.status}`);
  }

  /** Waits until Prometheus has scraped the breaker in `state`; on timeout, says what the traffic saw. */
  async function breakerSeenIn(state: string): Promise<void> {
    try {
      await pollUntil(
        `Prometheus to see breaker ${BREAKER} ${state}`,
        async () => ((await stack.prometheus.query(inState(state))).length > 0 ? true : undefined),
        { timeoutMs: 15_000, intervalMs: 200 },
      );
    } catch (error) {
      throw new Error(`breaker not seen ${state}; answers to /charge: ${JSON.stringify(traffic?.counts())}`, {
        cause: error,
      });
    }
  }

  it('scrapes the breaker closed while the provider is up', async () => {
    await breakerSeenIn('closed');
  });

  it('opens the breaker when the provider goes down', async () => {
    await fault('provider-down');
    await breakerSeenIn('open');
    expect(traffic?.counts()['503']).toBeGreaterThan(0);
  });

  it('pages PagerDuty: a CircuitBreakerOpen trigger with the routing key, severity, source and links', async () => {
    trigger = await stack.pagerDuty.waitForEvent(isBreakerTrigger, { timeoutMs: 20_000, intervalMs: 50 });
    const { event } = trigger;

    expect(event.routing_key).toBe(stack.routingKey);
    expect(event.routing_key).toHaveLength(32);
    expect(event.event_action).toBe('trigger');
    expect(event.dedup_key).toEqual(expect.stringMatching(/^\S+$/));
    expect(event.payload).toMatchObject({
      summary: `${ALERT} (${SERVICE}): Circuit breaker ${BREAKER} of ${SERVICE} is open.`,
      severity: 'critical',
      // Alertmanager takes the source from `client` when the config sets none.
      source: 'Faultline Alertmanager',
      class: ALERT,
      component: SERVICE,
      custom_details: expect.objectContaining({ alertname: ALERT, service: SERVICE, severity: 'critical' }),
    });
    expect(event.links).toEqual([
      { href: runbookUrl(e2eConfig, ALERT), text: 'Runbook' },
      { href: `${e2eConfig.grafanaBaseUrl}/d/${e2eConfig.dashboards.faultTolerance}`, text: 'Dashboard' },
    ]);
    expect(runbookUrl(e2eConfig, ALERT)).toMatch(/\/alerts\/runbooks\/CircuitBreakerOpen\.md$/);
    expect(existsSync(alertsPath('runbooks', `${ALERT}.md`))).toBe(true);
  });

  it('resolves the same incident once the provider is back and the breaker closes', async () => {
    const chargedBefore = traffic?.counts()['201'] ?? 0;
    await fault('reset');
    await breakerSeenIn('closed');
    expect(traffic?.counts()['201']).toBeGreaterThan(chargedBefore);
    const resolve = await stack.pagerDuty.waitForEvent(
      ({ event }) => event.event_action === 'resolve' && event.dedup_key === trigger.event.dedup_key,
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(resolve.event.routing_key).toBe(stack.routingKey);
  });

  it('sent PagerDuty nothing it refused and no other page; the Watchdog went to the heartbeat only', async () => {
    await pollUntil('the Watchdog heartbeat', () =>
      stack.webhooks.received.find(
        (r) =>
          r.path === '/heartbeat' &&
          (r.body.commonLabels as Record<string, string> | undefined)?.alertname === 'Watchdog',
      ),
    );
    expect(stack.pagerDuty.rejections()).toEqual([]);
    const pages = stack.pagerDuty.events().map(({ event }) => `${event.event_action} ${event.dedup_key}`);
    expect(pages).toEqual([`trigger ${trigger.event.dedup_key}`, `resolve ${trigger.event.dedup_key}`]);
    expect(JSON.stringify(stack.pagerDuty.events())).not.toContain('Watchdog');
  });
});
