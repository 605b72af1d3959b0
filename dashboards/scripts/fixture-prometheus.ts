/**
 * Runs the test fixture of the demo's services and a Prometheus scraping it, until stopped
 * (Ctrl-C), so `npm run dashboards:preview` can be tried before the demo runs:
 *
 *   node --import ./dashboards/scripts/catalogue-hooks.ts dashboards/scripts/fixture-prometheus.ts
 *   PROMETHEUS_URL=<printed url> npm run dashboards:preview
 *
 * FIXTURE_TICK_MS (default 1000), FIXTURE_FAULT_PERIOD and FIXTURE_FAULT_TICKS (in ticks,
 * default 600 and 180: a 3-minute provider outage every 10 minutes), SCRAPE_INTERVAL (5s).
 */
import { startFixtureServices } from '../test/support/fixtureServices.ts';
import { startPrometheus, FIXTURE_JOB } from '../test/support/prometheus.ts';

const number = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const fixture = await startFixtureServices({
  tickMs: number('FIXTURE_TICK_MS', 1000),
  faultPeriod: number('FIXTURE_FAULT_PERIOD', 600),
  faultTicks: number('FIXTURE_FAULT_TICKS', 180),
});
const prometheus = await startPrometheus(
  [{ job: FIXTURE_JOB, targets: fixture.targets }],
  process.env.SCRAPE_INTERVAL ?? '5s',
);
console.log(`PROMETHEUS_URL=${prometheus.url}`);

const stop = async (): Promise<void> => {
  await prometheus.stop();
  await fixture.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
