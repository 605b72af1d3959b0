import { isProtocolSubject } from '../src/messaging/natsInstrumentation.ts';
import { destinationTemplate } from '../src/messaging/pubsub.ts';

const NATS = { system: 'nats', separator: '.', wildcard: '*' } as const;
const MQTT = { system: 'mqtt', separator: '/', wildcard: '+' } as const;

describe('destination templates', () => {
  it('replaces id-like segments with the single-level wildcard', () => {
    expect(destinationTemplate(NATS, 'orders.1001.created')).toBe('orders.*.created');
    expect(destinationTemplate(MQTT, 'devices/4711/telemetry')).toBe('devices/+/telemetry');
    expect(destinationTemplate(MQTT, 'tenants/3f2b8c1e-9d4a/alerts')).toBe('tenants/+/alerts');
  });

  it('keeps words, including ones with digits that are not ids', () => {
    expect(destinationTemplate(NATS, 'orders.v2.created')).toBe('orders.v2.created');
    expect(destinationTemplate(MQTT, 'home/kitchen/temperature')).toBe('home/kitchen/temperature');
  });
});

describe('NATS protocol subjects', () => {
  it('are replies and server APIs, which are not traced', () => {
    expect(isProtocolSubject('_INBOX.abc.1')).toBe(true);
    expect(isProtocolSubject('$JS.API.STREAM.INFO.X')).toBe(true);
    expect(isProtocolSubject('orders.1.created')).toBe(false);
  });
});
