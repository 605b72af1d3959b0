/** A poison message is rejected without requeue, lands in the dead-letter queue and is counted. */
import amqp from 'amqplib';
import { getMetricsRegistry } from '@faultline/instrumentation';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ payments: 1 });
});

afterAll(async () => {
  await stack?.stop();
});

async function poisonCount(): Promise<number> {
  const metric = await getMetricsRegistry().registry.getSingleMetric('demo_dead_letters_total')?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels.reason === 'poison')
    .reduce((sum, v) => sum + v.value, 0);
}

test('a poison message lands in orders.created.dlq and is counted', async () => {
  const before = await poisonCount();
  const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish(stack.names.exchange, stack.names.routingKey, Buffer.from('{not json'), {
      messageId: 'poison-1',
    });
    await channel.waitForConfirms();

    const dead = await waitFor(
      async () => (await channel.get(stack.names.deadLetterQueue, { noAck: true })) || undefined,
      () => `the poison message in ${stack.names.deadLetterQueue}`,
    );
    expect(dead.content.toString()).toBe('{not json');
    expect(dead.properties.messageId).toBe('poison-1');
    expect(dead.properties.headers?.['x-death']?.[0]).toMatchObject({
      reason: 'rejected',
      queue: stack.names.queue,
    });
    expect((await poisonCount()) - before).toBe(1);
    expect((await channel.checkQueue(stack.names.queue)).messageCount).toBe(0);
  } finally {
    await connection.close();
  }
});
