/**
 * Puts the running demo through the faults that give every dashboard panel something to show,
 * and clears them. Each step waits until Prometheus has scraped its effect, so the scenario
 * takes as long as the demo needs and no longer:
 *
 * - traces are exported (the strict receiver accepts them), then the receiver answers 503:
 *   failed exports and spans dropped as `export_failed` (Telemetry pipeline);
 * - malformed order messages on the orders exchange, rejected into the dead-letter queue
 *   (Queues: dead-lettered, dead-letter queue depth);
 * - the payment provider down: retries and backoff, breakers open, calls rejected,
 *   transitions (Fault tolerance); orders wait in the retry queue (Queues: depth);
 * - Redis down for a moment: order reads answered from PostgreSQL, `degraded` (Service
 *   overview's cache panels);
 * - everything cleared: the receiver accepts again, the provider answers, breakers close.
 *
 * Counters are waited on until they rise between scrapes, not merely until they exist: a series
 * born at 1 shows as a flat 0 in a rate panel.
 */
import amqp from 'amqplib';
import { metrics } from '../../src/catalogue.ts';
import { instantQuery } from '../../src/prometheus.ts';
import { eq, series, up } from '../../src/promql.ts';
import type { DemoUnderTest } from './demoUnderTest.ts';
import { waitFor, FIXTURE_JOB } from './prometheus.ts';

/** Prometheus scrapes the demo every 5 s; a step's effect shows within a few scrapes. */
const SCRAPE_INTERVAL_MS = 5_000;
/** The trace exporter gives up on a batch after its 10 s timeout; a counter needs two failures to rise. */
const STEP_TIMEOUT_MS = 60_000;
const POLL_MS = 1_000;

/** Waits until `query` returns at least `atLeast` series in Prometheus. */
async function untilSeries(demo: DemoUnderTest, what: string, query: string, atLeast = 1): Promise<void> {
  await waitFor(
    `${what} (${query} returning ≥ ${atLeast} series)`,
    async () => ((await instantQuery(demo.prometheusUrl, query)).length >= atLeast ? true : undefined),
    STEP_TIMEOUT_MS,
    POLL_MS,
  );
}

/**
 * Waits until the counter `selector` rises between two scrapes, which is what a rate panel
 * draws: a counter series is born at its first value, so its first increment never shows as
 * a rate. `nudge` (if given) causes the event again once per scrape interval until then.
 */
async function untilRising(
  demo: DemoUnderTest,
  what: string,
  selector: string,
  nudge?: () => Promise<void>,
): Promise<void> {
  const query = `sum(rate(${selector}[1m])) > 0`;
  let nudged = 0;
  await waitFor(
    `${what} (${query})`,
    async () => {
      if ((await instantQuery(demo.prometheusUrl, query)).length > 0) return true;
      if (nudge && Date.now() - nudged >= SCRAPE_INTERVAL_MS) {
        nudged = Date.now();
        await nudge();
      }
      return undefined;
    },
    STEP_TIMEOUT_MS,
    POLL_MS,
  );
}

async function publishMalformedOrder(demo: DemoUnderTest): Promise<void> {
  const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish(demo.names.exchange, demo.names.routingKey, Buffer.from('{not json'), {
      messageId: `dashboards-poison-${Date.now()}`,
    });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Options of {@link runFaultScenario}. */
export interface FaultScenarioOptions {
  /** Progress, one line per step (default: none). */
  readonly log?: (line: string) => void;
  /**
   * Keep the provider down and the trace backend failing this long after their effects showed,
   * so a picture shows an outage rather than a blip (default 0: clear as soon as seen).
   */
  readonly holdFaultsMs?: number;
}

/**
 * Runs the scenario on `demo`. Leaves no fault behind when it returns; throws (naming the
 * step) when an effect does not show in time.
 */
export async function runFaultScenario(
  demo: DemoUnderTest,
  options: FaultScenarioOptions = {},
): Promise<void> {
  const log = options.log ?? (() => undefined);
  log('waiting for every demo process to be scraped and traces to be exported');
  await untilSeries(
    demo,
    'every demo process scraped',
    `${up([eq('job', FIXTURE_JOB)])} == 1`,
    demo.scrapedProcesses,
  );
  await untilRising(demo, 'spans exported', series(metrics.telemetryExported));

  log('the trace backend fails; malformed order messages are published');
  demo.traces.setMode('error');
  await untilRising(
    demo,
    'malformed messages dead-lettered',
    series(metrics.messagingProcessDuration, [eq('outcome', 'dead_letter')], 'count'),
    () => publishMalformedOrder(demo),
  );

  log('the payment provider goes down');
  await demo.chaos.inject({ kind: 'provider-down' });
  await untilSeries(demo, 'a breaker open', `${series(metrics.breakerState, [eq('state', 'open')])} == 1`);
  await untilRising(demo, 'calls rejected', series(metrics.breakerCalls, [eq('outcome', 'rejected')]));
  await untilRising(demo, 'retries backing off', series(metrics.retryBackoff, [], 'count'));

  log('Redis goes down for a moment');
  await demo.chaos.inject({ kind: 'redis-down' });
  try {
    await untilRising(
      demo,
      'degraded cache reads',
      series(metrics.cacheRequests, [eq('outcome', 'degraded')]),
    );
  } finally {
    await demo.chaos.clear({ kind: 'redis-down' });
  }

  log('waiting for trace exports to fail and spans to be dropped');
  await untilRising(demo, 'failed trace exports', series(metrics.telemetryExportFailures));
  await untilRising(demo, 'dropped spans', series(metrics.telemetryDropped, [eq('reason', 'export_failed')]));

  if (options.holdFaultsMs) {
    log(`holding the provider down and the trace backend failing for ${options.holdFaultsMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, options.holdFaultsMs));
  }

  log('every fault cleared');
  await demo.chaos.reset();
  demo.traces.setMode('ok');
}
