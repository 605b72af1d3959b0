/**
 * `npm run dashboards:preview:demo`: regenerates `dashboards/preview/<uid>.png` from the real
 * demo. Starts the demo with its load generator (free ports, names and database of its own, so
 * a running `npm run demo` is not disturbed), lets it run healthy, puts it through the fault
 * scenario of the dashboards' demo test with the provider outage held, lets it recover, renders
 * every dashboard over the whole run from the demo's Prometheus, and removes the demo.
 *
 * PREVIEW_HEALTHY_SECONDS (default 90), PREVIEW_OUTAGE_SECONDS (120), PREVIEW_RECOVERY_SECONDS
 * (90): how long each phase lasts.
 */
import path from 'node:path';
import { renderPreviews } from '../src/preview/renderPreviews.ts';
import { startDemoUnderTest } from '../test/support/demoUnderTest.ts';
import { runFaultScenario } from '../test/support/faultScenario.ts';

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name}="${raw}" must be a whole number of seconds (default ${fallback})`);
  }
  return value * 1000;
}

const healthyMs = seconds('PREVIEW_HEALTHY_SECONDS', 90);
const outageMs = seconds('PREVIEW_OUTAGE_SECONDS', 120);
const recoveryMs = seconds('PREVIEW_RECOVERY_SECONDS', 90);
const log = (line: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const phase = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const started = Date.now();
log('starting the demo on free ports');
const demo = await startDemoUnderTest({ baseEnv: process.env });
const stop = async (): Promise<void> => {
  log('stopping the demo and removing its database, queues and keys');
  await demo.stop();
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));

try {
  log(`Prometheus ${demo.prometheusUrl}; healthy for ${healthyMs / 1000} s`);
  await phase(healthyMs);
  await runFaultScenario(demo, { log, holdFaultsMs: outageMs });
  log(`recovering for ${recoveryMs / 1000} s`);
  await phase(recoveryMs);
  const minutes = Math.ceil((Date.now() - started) / 60_000);
  const previews = await renderPreviews({
    prometheusUrl: demo.prometheusUrl,
    minutes,
    outDir: path.join(import.meta.dirname, '..', 'preview'),
  });
  for (const preview of previews) {
    const note = preview.empty.length > 0 ? ` — no data in: ${preview.empty.join(', ')}` : '';
    log(`wrote ${path.relative(process.cwd(), preview.file)} (${minutes} min)${note}`);
  }
} finally {
  await stop();
}
