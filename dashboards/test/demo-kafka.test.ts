/**
 * The queues dashboard's Kafka consumer-groups row against the real demo on the Kafka bus
 * (`npm run demo -- --bus kafka`: its own broker, payment-service consuming in a group,
 * order-service sampling the group's lag), scraped every 5 s by the demo's Prometheus, with the
 * load generator on. Every Kafka panel query and the `$group` variable must return series, and
 * a `consumer-stall` must raise the lag line while committed records go on rising after
 * `reset`. The RabbitMQ panels are `demo.test.ts`'s: on Kafka they have nothing to show.
 */
import { dashboardUids } from '../src/config.ts';
import { describeFailures, verifyDashboardsAgainst } from '../src/verify.ts';
import { DEMO_START_TIMEOUT_MS } from '../../demo-services/demo/waitUntil.ts';
import { startDemoUnderTest, type DemoUnderTest } from './support/demoUnderTest.ts';
import { describeLine, panelPeak, type PanelLine } from './support/panelPeaks.ts';
import { waitFor } from './support/prometheus.ts';

const RANGE = '10m';
const { queues } = dashboardUids;

/** Whether a failure line is about the Kafka row or its variable. */
const onKafkaRow = (line: string) =>
  line.includes(`${queues} / "Kafka `) || line.includes(`${queues} / $group:`);

/** Orders arrive at 8/s: a stall of a few scrapes leaves dozens of records behind. */
const STALL_LAG = 20;

const stallLines: readonly PanelLine[] = [
  { dashboardUid: queues, panelTitle: 'Kafka consumer-group lag', refId: 'A', atLeast: STALL_LAG },
  { dashboardUid: queues, panelTitle: 'Kafka oldest unconsumed record', refId: 'A' },
  { dashboardUid: queues, panelTitle: 'Kafka records committed', refId: 'A' },
  { dashboardUid: queues, panelTitle: 'Kafka group members and rebalances', refId: 'A', atLeast: 2 },
];

let demo: DemoUnderTest | undefined;

beforeAll(async () => {
  demo = await startDemoUnderTest({ baseEnv: process.env, bus: { kind: 'kafka' } });
}, DEMO_START_TIMEOUT_MS);

afterAll(async () => {
  await demo?.stop();
}, 60_000);

test('on the Kafka bus every Kafka panel has data, and a consumer stall raises the lag line', async () => {
  if (!demo) throw new Error('the demo did not start');
  const running = demo;
  await running.chaos.inject({ kind: 'consumer-stall' });
  let failures: string[] = ['(not verified yet)'];
  const verify = async (lines: readonly PanelLine[], everyPanel: boolean) => {
    const report = await verifyDashboardsAgainst(running.prometheusUrl, { rateInterval: '1m', range: RANGE });
    failures = everyPanel ? describeFailures(report).filter(onKafkaRow) : [];
    for (const line of lines) {
      const peak = await panelPeak(running.prometheusUrl, report, line, RANGE);
      if (!peak.found) failures.push(`${describeLine(line)}: ${peak.why}`);
      else if (peak.peak < (line.atLeast ?? Number.MIN_VALUE))
        failures.push(`${describeLine(line)}: peaked at ${peak.peak}`);
    }
    return failures.length === 0 ? report : undefined;
  };
  try {
    await waitFor(
      'the lag line to rise during the stall',
      () => verify(stallLines.slice(0, 1), false),
      90_000,
      2_000,
    );
  } catch {
    throw new Error(`The Kafka row does not show the stall:\n${failures.join('\n')}`);
  } finally {
    await running.chaos.reset();
  }
  await waitFor(
    'every Kafka panel and line to show the demo',
    () => verify(stallLines, true),
    90_000,
    2_000,
  ).catch(() => {
    throw new Error(`The Kafka row does not show the demo on Kafka:\n${failures.join('\n')}`);
  });
}, 300_000);
