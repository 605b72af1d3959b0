/**
 * The dashboards against the real demo: the demo (`startDemo`, load generator on) runs on free
 * ports and names of its own, its Prometheus scrapes it every 5 s, and a fault scenario puts it
 * through a failing trace backend, a poison message, the payment provider down and Redis down,
 * then clears them. Every panel query and variable lookup must then return series, and the
 * lines those faults are meant to raise must have risen: a dashboard that shows only its zero
 * fallbacks does not pass.
 */
import { dashboardUids } from '../src/config.ts';
import { describeFailures, verifyDashboardsAgainst, type VerificationReport } from '../src/verify.ts';
import { DEMO_START_TIMEOUT_MS } from '../../demo-services/demo/waitUntil.ts';
import { startDemoUnderTest, type DemoUnderTest } from './support/demoUnderTest.ts';
import { runFaultScenario } from './support/faultScenario.ts';
import { describeLine, panelPeak, type PanelLine } from './support/panelPeaks.ts';
import { waitFor } from './support/prometheus.ts';

/** `$__range` of the verification, and the window the fault lines are looked for in. */
const RANGE = '10m';
/** After the faults are cleared, a few scrapes (every 5 s) bring in the last counters. */
const VERIFY_TIMEOUT_MS = 45_000;

const { faultTolerance, queues, serviceOverview, telemetryPipeline } = dashboardUids;

/** The lines each fault raises (breaker state 2 is open). */
function faultLines(retryQueue: string): readonly PanelLine[] {
  return [
    // provider-down
    { dashboardUid: faultTolerance, panelTitle: 'Breaker state', refId: 'A', atLeast: 2 },
    { dashboardUid: faultTolerance, panelTitle: 'Rejected calls and fallbacks', refId: 'A' },
    // Not B (fallbacks): the demo's breaker has no fallback (payment-service redelivers the
    // order instead), so circuit_breaker_fallbacks_total stays 0; B is only checked for series.
    { dashboardUid: faultTolerance, panelTitle: 'State transitions', refId: 'A', labels: { to: 'open' } },
    {
      dashboardUid: faultTolerance,
      panelTitle: 'Attempts by outcome',
      refId: 'A',
      labels: { outcome: 'retry' },
    },
    { dashboardUid: faultTolerance, panelTitle: 'Backoff delay percentiles', refId: 'B' },
    { dashboardUid: faultTolerance, panelTitle: 'Time spent backing off', refId: 'A' },
    // provider-down: orders wait in the retry queue
    {
      dashboardUid: queues,
      panelTitle: 'Queue depth',
      refId: 'A',
      labels: { messaging_destination_name: retryQueue },
    },
    // the poison message
    { dashboardUid: queues, panelTitle: 'Dead-lettered', refId: 'A' },
    { dashboardUid: queues, panelTitle: 'Dead-letter queue depth', refId: 'A' },
    // redis-down
    {
      dashboardUid: serviceOverview,
      panelTitle: 'Cache look-ups by outcome',
      refId: 'A',
      labels: { outcome: 'degraded' },
    },
    // the trace backend answering 503
    { dashboardUid: telemetryPipeline, panelTitle: 'Failed exports', refId: 'A' },
    {
      dashboardUid: telemetryPipeline,
      panelTitle: 'Dropped by reason',
      refId: 'A',
      labels: { reason: 'export_failed' },
    },
    { dashboardUid: telemetryPipeline, panelTitle: 'Drop ratio', refId: 'A' },
  ];
}

/** The fault lines that did not rise, with what was seen. */
async function flatLines(demo: DemoUnderTest, report: VerificationReport): Promise<string[]> {
  const flat: string[] = [];
  for (const line of faultLines(demo.names.retryQueue)) {
    const peak = await panelPeak(demo.prometheusUrl, report, line, RANGE);
    const atLeast = line.atLeast ?? Number.MIN_VALUE;
    if (!peak.found) flat.push(`${describeLine(line)}: ${peak.why}`);
    else if (peak.peak < atLeast) flat.push(`${describeLine(line)}: peaked at ${peak.peak}`);
  }
  return flat;
}

let demo: DemoUnderTest | undefined;

beforeAll(async () => {
  demo = await startDemoUnderTest({ baseEnv: process.env });
}, DEMO_START_TIMEOUT_MS);

afterAll(async () => {
  await demo?.stop();
}, 60_000);

test('after the demo went through its faults, every panel has data and the fault lines rose', async () => {
  if (!demo) throw new Error('the demo did not start');
  const running = demo;
  await runFaultScenario(running);

  let failures: string[] = ['(not verified yet)'];
  await waitFor(
    'every panel query and variable to return series, and every fault line to rise',
    async () => {
      const report = await verifyDashboardsAgainst(running.prometheusUrl, {
        rateInterval: '1m',
        range: RANGE,
      });
      // The demo's order flow runs on RabbitMQ: the Kafka consumer-group panels and their
      // `$group` variable have nothing to show until it runs on Kafka (`--bus kafka`).
      const onKafka = (line: string) =>
        line.includes(`${queues} / "Kafka `) || line.includes(`${queues} / $group:`);
      failures = [
        ...describeFailures(report).filter((line) => !onKafka(line)),
        ...(await flatLines(running, report)),
      ];
      return failures.length === 0 ? report : undefined;
    },
    VERIFY_TIMEOUT_MS,
    2_000,
  ).catch(() => {
    throw new Error(`The dashboards do not show the demo's faults:\n${failures.join('\n')}`);
  });
}, 180_000);
