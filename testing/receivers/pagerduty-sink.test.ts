import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { alertmanagerTrigger, EXAMPLE_ROUTING_KEY } from './pagerduty/alertmanagerEvents.ts';
import { pollUntil } from './shared/waitFor.ts';

/** Collects a stream's lines as they arrive. */
function lines(stream: NodeJS.ReadableStream): string[] {
  const seen: string[] = [];
  createInterface({ input: stream }).on('line', (line) => seen.push(line));
  return seen;
}

describe('pagerduty-sink CLI', () => {
  let dir: string;
  let sink: ChildProcessWithoutNullStreams;
  let stdout: string[];
  let stderr: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-pagerduty-sink-'));
    const keyFile = path.join(dir, 'routing-key');
    await writeFile(keyFile, `${EXAMPLE_ROUTING_KEY}\n`);
    const script = path.join(__dirname, 'pagerduty-sink.ts');
    sink = spawn(process.execPath, [
      script,
      '--port',
      '0',
      '--routing-key-file',
      keyFile,
      '--webhook-path',
      '/heartbeat',
    ]);
    stdout = lines(sink.stdout);
    stderr = lines(sink.stderr);
  });

  afterAll(async () => {
    const exited = new Promise((resolve) => sink.once('exit', resolve));
    sink.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('prints each accepted event as one JSON line and reports rejections on stderr', async () => {
    const listening = await pollUntil(
      () => stderr.map((line) => /listening on (\S+)/.exec(line)?.[1]).find(Boolean),
      () => `sink did not start; stderr: ${stderr.join('\n')}`,
    );
    const post = (body: unknown) =>
      fetch(listening, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await post(alertmanagerTrigger())).status).toBe(202);
    expect((await post({ ...alertmanagerTrigger(), event_action: 'page' })).status).toBe(400);

    const printed = await pollUntil(
      () => (stdout.length > 0 ? stdout[0] : undefined),
      () => 'no event printed',
    );
    expect(JSON.parse(printed!)).toMatchObject({
      dedup_key: alertmanagerTrigger().dedup_key,
      event: alertmanagerTrigger(),
    });
    await pollUntil(
      () => stderr.find((line) => line.includes("rejected (400): 'event_action' is invalid")),
      () => `no rejection reported; stderr: ${stderr.join('\n')}`,
    );
    expect(stdout).toHaveLength(1);
  });

  it('lists what it accepted at GET /accepted, without the routing key, and records webhooks on their paths', async () => {
    const listening = await pollUntil(
      () => stderr.map((line) => /listening on (\S+)/.exec(line)?.[1]).find(Boolean),
      () => `sink did not start; stderr: ${stderr.join('\n')}`,
    );
    const base = new URL(listening!).origin;
    const heartbeat = await fetch(`${base}/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'firing', alerts: [{ labels: { alertname: 'Watchdog' } }] }),
    });
    expect(heartbeat.status).toBe(200);
    expect((await fetch(`${base}/warnings`, { method: 'POST', body: '{}' })).status).toBe(404);

    const accepted = (await (await fetch(`${base}/accepted`)).json()) as {
      events: Array<{ dedup_key: string; event: Record<string, unknown> }>;
      webhooks: Array<{ path: string; body: unknown }>;
    };
    const { routing_key: _key, ...withoutKey } = alertmanagerTrigger();
    expect(accepted.events).toEqual([
      { receivedAt: expect.any(String), dedup_key: alertmanagerTrigger().dedup_key, event: withoutKey },
    ]);
    expect(JSON.stringify(accepted)).not.toContain(EXAMPLE_ROUTING_KEY);
    expect(accepted.webhooks).toEqual([
      {
        path: '/heartbeat',
        receivedAt: expect.any(String),
        body: { status: 'firing', alerts: [{ labels: { alertname: 'Watchdog' } }] },
      },
    ]);
    await pollUntil(
      () => stdout.find((line) => line.includes('"webhook":"/heartbeat"')),
      () => `webhook not printed; stdout: ${stdout.join('\n')}`,
    );
  });
});
