/**
 * The machine's real RabbitMQ for tests: its URL, unique names so tests running at the same time
 * never share a queue, amqplib loaded with the Faultline instrumentation applied, what the broker
 * itself reports about a queue, and its Prometheus plugin.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type * as Amqp from 'amqplib';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';

const run = promisify(execFile);

/** guest/guest on the local broker. */
export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** RabbitMQ's Prometheus endpoint (rabbitmq_prometheus plugin). */
export const RABBITMQ_PROMETHEUS_URL = 'http://127.0.0.1:15692';

let sequence = 0;

/** A queue or exchange name no other test (or test run) uses. */
export function uniqueName(purpose: string): string {
  sequence += 1;
  return `faultline-test.${purpose}.${process.pid}.${Date.now().toString(36)}.${sequence}`;
}

/**
 * amqplib with `instrumentation` applied. Jest loads modules through its own registry, which
 * require-in-the-middle does not see, so the test applies the instrumentation's patch for
 * `amqplib/lib/channel_model.js` itself, exactly as the require hook does in a real process.
 */
export function loadInstrumentedAmqplib(instrumentation: InstrumentationBase): typeof Amqp {
  const entry = require.resolve('amqplib');
  const channelModelPath = join(dirname(entry), 'lib', 'channel_model.js');
  const definition = instrumentation.getModuleDefinitions().find((module) => module.name === 'amqplib');
  const file = definition?.files.find((candidate) => candidate.name === 'amqplib/lib/channel_model.js');
  if (!file) throw new Error('the instrumentation defines no patch for amqplib/lib/channel_model.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  file.patch(require(channelModelPath));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('amqplib') as typeof Amqp;
}

/** What the broker reports for `queue` (`rabbitmqctl list_queues`). */
export interface BrokerQueueInfo {
  readonly ready: number;
  readonly unacked: number;
  readonly consumers: number;
}

/** Reads `queue`'s counts with `rabbitmqctl list_queues`; undefined if the broker has no such queue. */
export async function brokerQueueInfo(queue: string): Promise<BrokerQueueInfo | undefined> {
  const { stdout } = await run('rabbitmqctl', [
    'list_queues',
    '--quiet',
    '--no-table-headers',
    'name',
    'messages_ready',
    'messages_unacknowledged',
    'consumers',
  ]);
  for (const line of stdout.split('\n')) {
    const [name, ready, unacked, consumers] = line.split('\t');
    if (name === queue)
      return { ready: Number(ready), unacked: Number(unacked), consumers: Number(consumers) };
  }
  return undefined;
}

/** Whether RabbitMQ's Prometheus endpoint answers. */
export async function prometheusPluginAnswers(): Promise<boolean> {
  try {
    const response = await fetch(`${RABBITMQ_PROMETHEUS_URL}/metrics/detailed?family=queue_coarse_metrics`, {
      signal: AbortSignal.timeout(2000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Makes sure the rabbitmq_prometheus plugin serves its endpoint: enables it (the tests run as
 * root on the CI machine) when it does not answer yet. Throws with rabbitmq-plugins' output if
 * it cannot be enabled.
 */
export async function ensurePrometheusPlugin(): Promise<void> {
  if (await prometheusPluginAnswers()) return;
  await run('rabbitmq-plugins', ['enable', 'rabbitmq_prometheus']);
  const deadline = Date.now() + 30_000;
  while (!(await prometheusPluginAnswers())) {
    if (Date.now() > deadline)
      throw new Error(`rabbitmq_prometheus enabled but ${RABBITMQ_PROMETHEUS_URL} does not answer`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
