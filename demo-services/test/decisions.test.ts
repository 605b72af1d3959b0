/** The demo's pure decisions, without I/O. */
import { reconnectDelayMs } from '../shared/amqpSession.ts';
import { DemoBusError, parseDemoBus } from '../demo/demoBus.ts';
import { ConfigError, orderServiceConfig, paymentServiceConfig } from '../shared/config.ts';
import { requestHash, validateOrderRequest } from '../shared/orderRequest.ts';
import { renderHaproxyConfig } from '../demo/haproxyConfig.ts';
import { renderPrometheusConfig } from '../demo/prometheusConfig.ts';
import { EXHAUSTED_REASON, decidePayment } from '../payment-service/decision.ts';
import { HEALTHY, decide } from '../payment-provider/faults.ts';

describe('decidePayment', () => {
  test('a charge marks the order paid', () => {
    expect(decidePayment({ kind: 'charged', chargeId: 'ch_1' }, 0, 5)).toEqual({
      kind: 'mark-paid',
      chargeId: 'ch_1',
    });
  });
  test('a decline fails the order with its reason', () => {
    expect(decidePayment({ kind: 'declined', reason: 'card_declined' }, 0, 5)).toEqual({
      kind: 'mark-failed',
      reason: 'card_declined',
    });
  });
  test('an open breaker redelivers later without using up a delivery', () => {
    expect(decidePayment({ kind: 'breaker-open' }, 4, 5)).toEqual({ kind: 'redeliver-later', deliveries: 4 });
  });
  test('an unavailable provider redelivers later and counts the delivery', () => {
    expect(decidePayment({ kind: 'unavailable', error: new Error('x') }, 2, 5)).toEqual({
      kind: 'redeliver-later',
      deliveries: 3,
    });
  });
  test('the last allowed delivery failing fails the order and dead-letters the message', () => {
    expect(decidePayment({ kind: 'unavailable', error: new Error('x') }, 4, 5)).toEqual({
      kind: 'fail-and-dead-letter',
      reason: EXHAUSTED_REASON,
    });
  });
});

describe('provider fault decision', () => {
  test('healthy proceeds at once', () => {
    expect(decide(HEALTHY, 0)).toEqual({ kind: 'proceed', delayMs: 0 });
  });
  test('down wins over every other fault', () => {
    expect(decide({ latencyMs: 5, errorRate: 1, timeout: true, down: true }, 0)).toEqual({ kind: 'reset' });
  });
  test('an error rate fails the share of requests whose draw is below it', () => {
    const faults = { ...HEALTHY, errorRate: 0.3, latencyMs: 10 };
    expect(decide(faults, 0.29)).toEqual({ kind: 'error', delayMs: 10 });
    expect(decide(faults, 0.3)).toEqual({ kind: 'proceed', delayMs: 10 });
  });
});

describe('order requests', () => {
  test('the hash ignores key order', () => {
    const a = validateOrderRequest({
      paymentToken: 't',
      customerId: 'c',
      items: [{ quantity: 1, sku: 's', unitPriceCents: 2 }],
    });
    const b = validateOrderRequest({
      customerId: 'c',
      items: [{ sku: 's', quantity: 1, unitPriceCents: 2 }],
      paymentToken: 't',
    });
    if (!a.ok || !b.ok) throw new Error('expected valid requests');
    expect(requestHash(a.request)).toBe(requestHash(b.request));
  });
  test('an unknown field is refused, naming the body', () => {
    const answer = validateOrderRequest({
      customerId: 'c',
      items: [{ sku: 's', quantity: 1, unitPriceCents: 2 }],
      paymentToken: 't',
      extra: true,
    });
    expect(answer).toEqual({ ok: false, field: 'body', message: 'Unrecognized key: "extra"' });
  });
  test('a non-object body names the body', () => {
    expect(validateOrderRequest('nope')).toMatchObject({ ok: false, field: 'body' });
  });
});

test('reconnect delays double from 100 ms and stop at 2 s', () => {
  expect([1, 2, 3, 4, 5, 6, 10].map(reconnectDelayMs)).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
});

test('the load balancer checks readiness and retries on another gateway', () => {
  const config = renderHaproxyConfig(8080, [8081, 8082]);
  expect(config).toContain('option httpchk GET /readyz');
  expect(config).toContain('retry-on conn-failure empty-response response-timeout');
  expect(config).toContain('option redispatch');
  expect(config).toContain('retries 3');
  expect(config).toContain('server gateway-2 127.0.0.1:8082 check');
});

test('Prometheus scrapes every service as faultline-services and RabbitMQ only when available', () => {
  const input = {
    serviceTargets: ['127.0.0.1:9481'],
    ruleFiles: [],
    alertmanagerTarget: '127.0.0.1:9093',
    interval: '5s',
  };
  expect(renderPrometheusConfig(input)).toContain('job_name: faultline-services');
  expect(renderPrometheusConfig(input)).not.toContain('rabbitmq');
  expect(renderPrometheusConfig({ ...input, rabbitmqTarget: '127.0.0.1:15692' })).toContain(
    'job_name: rabbitmq',
  );
  expect(renderPrometheusConfig({ ...input, rabbitmqTarget: '127.0.0.1:15692' })).toContain(
    '    metrics_path: /metrics/detailed\n    params: { family: [queue_coarse_metrics, queue_consumer_count] }',
  );
  // Itself and Alertmanager too, so failed rule evaluations and notifications alert.
  const withSelf = renderPrometheusConfig({ ...input, prometheusTarget: '127.0.0.1:9090' });
  expect(withSelf).toContain(
    '  - job_name: prometheus\n    static_configs: [{ targets: ["127.0.0.1:9090"] }]',
  );
  expect(withSelf).toContain(
    '  - job_name: alertmanager\n    static_configs: [{ targets: ["127.0.0.1:9093"] }]',
  );
});

test('a wrong configuration value fails with one message naming the variable', () => {
  expect(() => paymentServiceConfig({ PREFETCH: 'many' })).toThrow(ConfigError);
  expect(() => paymentServiceConfig({ PREFETCH: 'many' })).toThrow(/PREFETCH/);
  expect(paymentServiceConfig({}).bus).toEqual({
    kind: 'rabbitmq',
    url: 'amqp://guest:guest@127.0.0.1:5672',
    namePrefix: '',
  });
});

test('FAULTLINE_BUS=kafka puts the order flow on the brokers KAFKA_BROKERS lists', () => {
  expect(
    orderServiceConfig({
      FAULTLINE_BUS: 'kafka',
      KAFKA_BROKERS: '127.0.0.1:1,127.0.0.1:2',
      KAFKA_TOPIC_PREFIX: 't.',
    }).bus,
  ).toEqual({ kind: 'kafka', brokers: ['127.0.0.1:1', '127.0.0.1:2'], topicPrefix: 't.' });
  expect(() => paymentServiceConfig({ FAULTLINE_BUS: 'nats' })).toThrow(/FAULTLINE_BUS/);
  expect(() => paymentServiceConfig({ FAULTLINE_BUS: 'kafka', KAFKA_BROKERS: 'localhost' })).toThrow(
    /KAFKA_BROKERS: a comma-separated list of host:port/,
  );
});

test('npm run demo takes its bus from --bus, else FAULTLINE_BUS, else RabbitMQ', () => {
  expect(parseDemoBus([], {})).toEqual({ kind: 'rabbitmq' });
  expect(parseDemoBus(['--bus', 'kafka'], {})).toEqual({ kind: 'kafka' });
  expect(parseDemoBus(['--bus=kafka'], {})).toEqual({ kind: 'kafka' });
  expect(parseDemoBus([], { FAULTLINE_BUS: 'kafka' })).toEqual({ kind: 'kafka' });
  expect(parseDemoBus(['--bus', 'rabbitmq'], { FAULTLINE_BUS: 'kafka' })).toEqual({ kind: 'rabbitmq' });
  expect(() => parseDemoBus(['--bus', 'nats'], {})).toThrow(new DemoBusError('--bus', 'nats').message);
  expect(() => parseDemoBus(['--bus'], {})).toThrow(
    '--bus: "" is not a bus; accepted: rabbitmq (default), kafka',
  );
  expect(() => parseDemoBus([], { FAULTLINE_BUS: 'Kafka' })).toThrow(/^FAULTLINE_BUS: "Kafka" is not a bus/);
});
