/**
 * NATS (core and JetStream) against the machine's nats-server and MQTT 5 against its Mosquitto,
 * in a real app started with the flag (CommonJS and ESM): a publish is a PRODUCER span, child
 * of the request that made it, whose context travels in the message's headers (NATS) or user
 * properties (MQTT); the delivery is a CONSUMER span, child of the producer's, and a callback
 * subscriber's handler runs inside it; sent and consumed counts and lag are labelled with the
 * destination's template (ids become the system's wildcard), never the raw subject.
 */
import { join } from 'node:path';
import type { NormalisedSpan } from '../../testing/receivers/otlp/normaliseSpans.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { ROOT, eventually, runApp, sampleValue, type RunningApp } from './support/runApp.ts';

const fixtures = join(ROOT, 'instrumentation', 'test', 'fixtures');
const PRODUCER = 4;
const CONSUMER = 5;

describe.each([
  { kind: 'CommonJS', flag: '--require' as const, script: join(fixtures, 'pubsub-app.cjs') },
  { kind: 'ESM', flag: '--import' as const, script: join(fixtures, 'pubsub-app.mjs') },
])('NATS and MQTT in an app ($kind) started with $flag', ({ flag, script }) => {
  let receiver: OtlpTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    app = await runApp({
      script,
      flag,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  /** The request's server span, the publish and the delivery, once all three are exported. */
  async function hop(path: string, destination: (subject: string) => boolean) {
    expect((await fetch(`${app.url}${path}`)).status).toBe(200);
    const isHop = (span: NormalisedSpan, kind: number) =>
      span.kind === kind && destination(String(span.attributes['messaging.destination.name']));
    // All three, whichever export batch each left in.
    const spans = await receiver.waitForSpans(
      (all) =>
        all.some((s) => isHop(s, CONSUMER)) &&
        all.some((s) => isHop(s, PRODUCER)) &&
        all.some((s) => s.attributes['url.path'] === path),
    );
    const server = spans.find((span) => span.attributes['url.path'] === path)!;
    const producer = spans.find((span) => isHop(span, PRODUCER))!;
    const consumer = spans.find((span) => isHop(span, CONSUMER))!;
    return { server, producer, consumer };
  }

  it.each([
    { system: 'nats', path: '/nats/1001', subject: 'orders.1001.created', template: 'orders.*.created' },
    {
      system: 'mqtt',
      path: '/mqtt/4711',
      subject: 'devices/4711/telemetry',
      template: 'devices/+/telemetry',
    },
  ])(
    'continues the trace through $system to a callback subscriber',
    async ({ system, path, subject, template }) => {
      const { server, producer, consumer } = await hop(path, (name) => name === subject);
      expect(producer.parentSpanId).toBe(server.spanId);
      expect(consumer.parentSpanId).toBe(producer.spanId);
      expect(new Set([server.traceId, producer.traceId, consumer.traceId]).size).toBe(1);
      expect({ producer: producer.name, consumer: consumer.name }).toEqual({
        producer: `publish ${template}`,
        consumer: `process ${template}`,
      });
      expect(producer.attributes['messaging.system']).toBe(system);
      const handled = await eventually(() => app.logLines().find((line) => line.subject === subject));
      expect({ traceId: handled.traceId, spanId: handled.spanId }).toEqual({
        traceId: consumer.traceId,
        spanId: consumer.spanId,
      });
    },
  );

  it('continues the trace through a JetStream stream to a pull consumer', async () => {
    const { server, producer, consumer } = await hop('/jetstream/2002', (name) => name.endsWith('.2002'));
    expect(producer.parentSpanId).toBe(server.spanId);
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(consumer.traceId).toBe(server.traceId);
    await eventually(() => app.logLines().find((line) => line.kind === 'jetstream'));
  });

  it('counts sent and consumed messages and their lag by destination template', async () => {
    await hop('/mqtt/4712', (name) => name === 'devices/4712/telemetry');
    const text = await app.metrics();
    const labels = { messaging_system: 'mqtt', messaging_destination_name: 'devices/+/telemetry' };
    expect(sampleValue(text, 'messaging_client_sent_messages_total', labels)).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'messaging_client_consumed_messages_total', labels)).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'messaging_consumer_lag_seconds_count', labels)).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('4712');
  });
});
