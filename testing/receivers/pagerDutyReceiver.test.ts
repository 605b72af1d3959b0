import {
  alertmanagerResolve,
  alertmanagerTrigger,
  EXAMPLE_ROUTING_KEY,
} from './pagerduty/alertmanagerEvents.ts';
import { startPagerDutyReceiver, type PagerDutyReceiver } from './pagerDutyReceiver.ts';

async function send(url: string, body: unknown, contentType = 'application/json') {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('PagerDuty receiver', () => {
  let receiver: PagerDutyReceiver;
  beforeEach(async () => {
    receiver = await startPagerDutyReceiver({ routingKey: EXAMPLE_ROUTING_KEY });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it("accepts Alertmanager's trigger with 202 and PagerDuty's success body", async () => {
    const response = await send(receiver.enqueueUrl, alertmanagerTrigger());
    expect(response).toEqual({
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: alertmanagerTrigger().dedup_key },
    });
    const received = await receiver.waitForEvent((e) => e.event.event_action === 'trigger');
    expect(received.event).toEqual(alertmanagerTrigger());
    expect(receiver.rejections()).toEqual([]);
  });

  it('accepts the resolve that follows, on the /enqueue alias too', async () => {
    await send(receiver.enqueueUrl, alertmanagerTrigger());
    expect((await send(`${receiver.url}/enqueue`, alertmanagerResolve())).status).toBe(202);
    const resolve = await receiver.waitForEvent((e) => e.event.event_action === 'resolve');
    expect(resolve).toMatchObject({ dedupKey: alertmanagerTrigger().dedup_key, path: '/enqueue' });
  });

  it('generates a dedup_key for a trigger without one', async () => {
    const { dedup_key: _omitted, ...event } = alertmanagerTrigger();
    const response = await send(receiver.enqueueUrl, event);
    expect(response.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    await receiver.waitForEvent((e) => e.dedupKey === response.body.dedup_key);
  });

  it("rejects an invalid event with 400 and PagerDuty's error body listing every problem", async () => {
    const event = { ...alertmanagerTrigger(), payload: { summary: '', source: 'x', severity: 'fatal' } };
    const response = await send(receiver.enqueueUrl, event);
    expect(response).toEqual({
      status: 400,
      body: {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [
          "'payload.summary' is missing or blank",
          "'payload.severity' is invalid (must be one of critical, error, warning, info)",
        ],
      },
    });
    await receiver.waitForRejection((r) => r.errors.length === 2);
    expect(receiver.events()).toEqual([]);
  });

  it('rejects a well-formed key that is not the expected one', async () => {
    const response = await send(receiver.enqueueUrl, alertmanagerTrigger('0'.repeat(32)));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(["'routing_key' does not match this integration"]);
  });

  it('rejects bodies that are not JSON events', async () => {
    expect((await send(receiver.enqueueUrl, '{"routing_key":', 'application/json')).body.errors).toEqual([
      'Event object is not valid JSON',
    ]);
    expect((await send(receiver.enqueueUrl, alertmanagerTrigger(), 'text/plain')).status).toBe(400);
    expect(receiver.rejections()).toHaveLength(2);
  });

  it('throttles with 429 and fails with 500 in the fault modes', async () => {
    receiver.setMode('throttle');
    expect((await send(receiver.enqueueUrl, alertmanagerTrigger())).status).toBe(429);
    receiver.setMode('error');
    expect((await send(receiver.enqueueUrl, alertmanagerTrigger())).status).toBe(500);
    receiver.setMode('ok');
    expect((await send(receiver.enqueueUrl, alertmanagerTrigger())).status).toBe(202);
    expect(receiver.events()).toHaveLength(1);
    expect(receiver.requestCount()).toBe(3);
  });

  it('never answers in hang mode until closed', async () => {
    receiver.setMode('hang');
    const request = fetch(receiver.enqueueUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerTrigger()),
      signal: AbortSignal.timeout(200),
    });
    await expect(request).rejects.toThrow();
    expect(receiver.events()).toEqual([]);
  });
});
