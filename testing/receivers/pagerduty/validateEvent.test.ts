import { alertmanagerResolve, alertmanagerTrigger, EXAMPLE_ROUTING_KEY } from './alertmanagerEvents.ts';
import { validateEvent } from './validateEvent.ts';

const minimalTrigger = () => ({
  routing_key: EXAMPLE_ROUTING_KEY,
  event_action: 'trigger',
  payload: { summary: 'Disk full', source: 'db-1', severity: 'error' },
});

describe('PagerDuty Events API v2 validation', () => {
  it('accepts a minimal trigger without dedup_key', () => {
    expect(validateEvent(minimalTrigger())).toEqual([]);
  });

  it("accepts Alertmanager's trigger and resolve shapes", () => {
    expect(validateEvent(alertmanagerTrigger())).toEqual([]);
    expect(validateEvent(alertmanagerResolve())).toEqual([]);
  });

  it('accepts every optional documented field', () => {
    const event = {
      ...minimalTrigger(),
      dedup_key: 'k',
      payload: {
        ...minimalTrigger().payload,
        timestamp: '2025-01-15T08:42:58.315+0000',
        component: 'postgres',
        group: 'prod-datapipe',
        class: 'disk',
        custom_details: { free_space: '1%' },
      },
      links: [{ href: 'https://example.com' }],
      images: [{ src: 'https://example.com/a.png' }],
      client: 'faultline',
      client_url: 'https://example.com',
    };
    expect(validateEvent(event)).toEqual([]);
  });

  it.each([
    ['a routing key that is not 32 characters', { routing_key: 'short' }, /Length of 'routing_key'/],
    ['a missing routing key', { routing_key: undefined }, /'routing_key' is missing/],
    ['an unknown event action', { event_action: 'escalate' }, /'event_action' is invalid/],
    ['a dedup key over 255 characters', { dedup_key: 'x'.repeat(256) }, /'dedup_key' is too long/],
    ['an unknown top-level key', { service_key: 'legacy' }, /'service_key' is not a recognised field/],
    ['links that are not an array', { links: { href: 'x' } }, /'links' must be an array/],
    ['an image without src', { images: [{ alt: 'x' }] }, /'images\[0\].src' is missing/],
  ])('rejects %s', (_name, change, problem) => {
    const problems = validateEvent({ ...minimalTrigger(), ...change });
    expect(problems).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    ['no summary', { summary: undefined }, /'payload.summary' is missing/],
    ['a summary over 1024 characters', { summary: 's'.repeat(1025) }, /'payload.summary' is too long/],
    ['an empty source', { source: '' }, /'payload.source' is missing/],
    ['an unknown severity', { severity: 'fatal' }, /'payload.severity' is invalid/],
    ['a timestamp that is not ISO 8601', { timestamp: 'yesterday' }, /'payload.timestamp'/],
    ['custom_details that are not an object', { custom_details: 'text' }, /custom_details/],
    ['an unknown payload key', { priority: 'P1' }, /'payload.priority' is not a recognised field/],
  ])('rejects a trigger payload with %s', (_name, change, problem) => {
    const event = { ...minimalTrigger(), payload: { ...minimalTrigger().payload, ...change } };
    expect(validateEvent(event)).toEqual([expect.stringMatching(problem)]);
  });

  it('requires dedup_key on acknowledge and resolve, but no payload', () => {
    const base = { routing_key: EXAMPLE_ROUTING_KEY };
    expect(validateEvent({ ...base, event_action: 'resolve' })).toEqual([
      "'dedup_key' is required for resolve events",
    ]);
    expect(validateEvent({ ...base, event_action: 'acknowledge', dedup_key: 'k' })).toEqual([]);
  });

  it('requires the expected routing key when one is configured', () => {
    const expected = 'a'.repeat(32);
    expect(validateEvent(minimalTrigger(), { expectedRoutingKey: expected })).toEqual([
      "'routing_key' does not match this integration",
    ]);
  });

  it('reports every problem of a body at once', () => {
    expect(validateEvent({ routing_key: 'x', event_action: 'trigger', payload: {} })).toHaveLength(4);
  });
});
