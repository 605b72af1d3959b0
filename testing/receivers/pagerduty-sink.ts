/**
 * Runs the PagerDuty receiver standalone as the demo's local pager: every accepted event is
 * printed to stdout as one line of JSON; rejections go to stderr.
 *
 *   npx node testing/receivers/pagerduty-sink.ts --port 8099 [--host 127.0.0.1] [--routing-key-file F]
 *     [--webhook-path /heartbeat --webhook-path /warnings]
 *
 * With --routing-key-file, events must carry the key in that file (surrounding whitespace
 * ignored), as Alertmanager's `routing_key_file` would send it. Each --webhook-path also accepts
 * Alertmanager webhook notifications (printed as `{"webhook": path, ...}` lines). `GET /accepted`
 * lists everything accepted so far. Stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startPagerDutyReceiver } from './pagerDutyReceiver.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8099' },
    host: { type: 'string', default: '127.0.0.1' },
    'routing-key-file': { type: 'string' },
    'webhook-path': { type: 'string', multiple: true, default: [] },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`pagerduty-sink: --port must be an integer 0..65535, got "${values.port}"\n`);
  process.exit(2);
}
const keyFile = values['routing-key-file'];
const routingKey = keyFile === undefined ? undefined : readFileSync(keyFile, 'utf8').trim();

const receiver = await startPagerDutyReceiver({
  port,
  host: values.host,
  routingKey,
  webhookPaths: values['webhook-path'],
  onEvent: ({ event, dedupKey, receivedAt }) => {
    process.stdout.write(
      `${JSON.stringify({ receivedAt: receivedAt.toISOString(), dedup_key: dedupKey, event })}\n`,
    );
  },
  onWebhook: ({ path, body, receivedAt }) => {
    const status = (body as { status?: unknown } | null)?.status;
    process.stdout.write(
      `${JSON.stringify({ receivedAt: receivedAt.toISOString(), webhook: path, status })}\n`,
    );
  },
  onRejection: ({ status, errors }) => {
    process.stderr.write(`pagerduty-sink: rejected (${status}): ${errors.join('; ')}\n`);
  },
});
process.stderr.write(`pagerduty-sink: listening on ${receiver.enqueueUrl}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void receiver.close().then(() => process.exit(0));
  });
}
