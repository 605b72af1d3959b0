/**
 * The production path of the RabbitMQ instrumentation, outside Jest: in a plain Node process
 * the instrumentation is registered before amqplib is required, and require-in-the-middle
 * patches amqplib on load. Uses the built package (`npm run build`, which `npm test` runs first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testAppDir } from '../scripts/compatibility.ts';
import { AMQP_URL, uniqueName } from './support/rabbitmq.ts';
import { NODE, ROOT } from './support/runApp.ts';

const run = promisify(execFile);
const DIST = join(ROOT, 'instrumentation', 'dist', 'index.js');

test.each([
  { versions: 'newest major', env: {} },
  { versions: 'amqplib 0.10', env: { LIBRARIES_FROM: testAppDir(ROOT, 'amqplib-oldest') } },
])(
  'registered before amqplib ($versions) is required, it patches amqplib and the consumer joins the producer trace',
  async ({ env }) => {
    expect(existsSync(DIST)).toBe(true);
    const queue = uniqueName('register');

    const { stdout } = await run(
      NODE,
      [join(__dirname, 'fixtures', 'amqp-roundtrip.cjs'), DIST, AMQP_URL, queue],
      {
        cwd: ROOT,
        env: { ...process.env, ...env, OTEL_SERVICE_NAME: 'fixture', FAULTLINE_METRICS_ENABLED: 'true' },
        timeout: 30_000,
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      producerTraceId: string;
      spans: { name: string; traceId: string }[];
      exposition: string;
    };

    const names = result.spans.map((span) => span.name).sort();
    expect(names).toEqual(['produce', `process ${queue}`, `publish ${queue}`].sort());
    expect(new Set(result.spans.map((span) => span.traceId))).toEqual(new Set([result.producerTraceId]));
    expect(result.exposition).toContain(
      `messaging_client_consumed_messages_total{service="fixture",messaging_system="rabbitmq",messaging_destination_name="${queue}"} 1`,
    );
  },
);
