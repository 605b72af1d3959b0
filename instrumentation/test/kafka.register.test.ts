/**
 * The production path of the Kafka instrumentation, outside Jest: with the drop-in flag,
 * OpenTelemetry's kafkajs instrumentation is not even loaded until the app requires kafkajs,
 * and then kafkajs is patched on load. Uses the built package (`npm run build`).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NODE, REGISTER, ROOT } from './support/runApp.ts';

const run = promisify(execFile);

async function lazyFixture(...args: string[]) {
  return runFixture('kafka-lazy.cjs', ...args);
}

async function runFixture(fixture: string, ...args: string[]) {
  const { stdout } = await run(NODE, ['--import', REGISTER, join(__dirname, 'fixtures', fixture), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      OTEL_SERVICE_NAME: 'fixture',
      FAULTLINE_METRICS_ENABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    before: boolean;
    after: boolean;
    patched: boolean;
  };
}

test('an app that never requires kafkajs never loads the kafkajs instrumentation', async () => {
  expect(await lazyFixture()).toEqual({ before: false, after: false, patched: false });
});

test('requiring kafkajs loads the instrumentation then and patches the client', async () => {
  expect(await lazyFixture('load')).toEqual({ before: false, after: true, patched: true });
});

test('an ES module that imports kafkajs gets it patched too', async () => {
  expect(await runFixture('kafka-lazy.mjs')).toEqual({ patched: true });
});
