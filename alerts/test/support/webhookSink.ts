/**
 * A local HTTP endpoint that records every JSON POST it receives, standing in for PagerDuty's
 * Events API and the webhook receivers in Alertmanager tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the sink received. */
export interface ReceivedRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** A running sink. */
export interface WebhookSink {
  readonly url: string;
  readonly received: readonly ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a sink on a free loopback port; it answers 202 (as PagerDuty does) to every POST. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      });
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"success","message":"Event processed"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
