/**
 * A minimal Elasticsearch stand-in for the healthy runs: it accepts every `_bulk` item as
 * created and counts them, without parsing or keeping documents. The strict bulk receiver in
 * testing/ checks the protocol; here the point is that the healthy baseline's sink costs the
 * load generator's CPU as little as possible.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running sink. */
export interface ElasticsearchSink {
  readonly url: string;
  /** Bulk items accepted so far. */
  items(): number;
  close(): Promise<void>;
}

const PRODUCT = { 'x-elastic-product': 'Elasticsearch', 'content-type': 'application/json' };
const INFO = JSON.stringify({
  name: 'bench',
  cluster_name: 'bench',
  version: { number: '9.0.0', build_flavor: 'default' },
  tagline: 'You Know, for Search',
});

/** Counts the NDJSON lines of a bulk body; every action line of `create`/`index` has a source line. */
function countItems(body: Buffer): number {
  let lines = 0;
  for (let i = 0; i < body.length; i += 1) if (body[i] === 0x0a) lines += 1;
  if (body.length > 0 && body[body.length - 1] !== 0x0a) lines += 1;
  return Math.floor(lines / 2);
}

/** Starts the sink on a free loopback port. */
export async function startElasticsearchSink(): Promise<ElasticsearchSink> {
  let accepted = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (!(req.url ?? '').split('?')[0]!.endsWith('/_bulk')) {
        res.writeHead(200, PRODUCT).end(INFO);
        return;
      }
      const count = countItems(Buffer.concat(chunks));
      accepted += count;
      const item = '{"create":{"_index":"bench","status":201,"result":"created"}}';
      res
        .writeHead(200, PRODUCT)
        .end(`{"took":1,"errors":false,"items":[${Array.from({ length: count }, () => item).join(',')}]}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    items: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
