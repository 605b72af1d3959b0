/**
 * The order API under the hostile requests of issue 22: a body over the parser's limit is 413
 * naming the limit, control characters are 400 naming the field, and no answer ever carries
 * a database or driver message; an unexpected failure is 500 with a correlation id only.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type pg from 'pg';
import { startGateway } from '../gateway/service.ts';
import { createOrderApp } from '../order-service/app.ts';
import type { OrderCache } from '../order-service/orderCache.ts';
import { listen } from '../shared/httpServer.ts';
import winston from 'winston';
import { orderBody, postOrder } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ payments: 1 });
});

afterAll(async () => {
  await stack?.stop();
});

async function postRaw(url: string, body: string, key: string | undefined = randomUUID()) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

const DATABASE_WORDS = /postgres|utf8|byte sequence|encoding|syntax|relation|column|violates|at .*\.ts/i;

test('a 5,000-element items array is 413 naming the body limit, not 500', async () => {
  const items = Array.from({ length: 5000 }, (_, i) => ({
    sku: `sku-${i}`,
    quantity: 1,
    unitPriceCents: 100,
  }));
  const answer = await postRaw(`${stack.gatewayUrl}/api/orders`, JSON.stringify(orderBody({ items })));
  expect(answer.status).toBe(413);
  expect(answer.body).toMatchObject({ error: 'payload_too_large', field: 'body', limitBytes: 102_400 });
  expect(answer.body.message).toMatch(/102400 bytes/);
});

test('a 5 MiB body is 413 naming the body limit', async () => {
  const body = JSON.stringify(orderBody({ customerId: 'x'.repeat(5 * 1024 * 1024) }));
  const answer = await postRaw(`${stack.gatewayUrl}/api/orders`, body);
  expect(answer.status).toBe(413);
  expect(answer.body).toMatchObject({ error: 'payload_too_large', limitBytes: 102_400 });
});

test('more items than the contract allows is 400 naming items and the bound', async () => {
  const items = Array.from({ length: 101 }, () => ({ sku: 's', quantity: 1, unitPriceCents: 1 }));
  const answer = await postOrder(stack.gatewayUrl, randomUUID(), orderBody({ items }));
  expect(answer.status).toBe(400);
  expect(answer.body).toMatchObject({ error: 'invalid_body', field: 'items' });
  expect(answer.body.message).toMatch(/100/);
});

test.each([
  ['a NUL in customerId', orderBody({ customerId: 'cust\u0000' }), 'customerId'],
  ['an escape in paymentToken', orderBody({ paymentToken: 'tok_\u001b[31m' }), 'paymentToken'],
  [
    'a DEL in a sku',
    orderBody({ items: [{ sku: 'sku\u007f', quantity: 1, unitPriceCents: 1 }] }),
    'items.0.sku',
  ],
  ['a lone surrogate in customerId', orderBody({ customerId: 'cust\ud800' }), 'customerId'],
  ['a 65-character customerId', orderBody({ customerId: 'c'.repeat(65) }), 'customerId'],
  [
    'a quantity past its bound',
    orderBody({ items: [{ sku: 's', quantity: 2 ** 40, unitPriceCents: 1 }] }),
    'items.0.quantity',
  ],
  ['an unknown field', { ...orderBody(), admin: true }, 'body'],
])('%s is 400 naming the field and leaks nothing', async (_name, body, field) => {
  const answer = await postOrder(stack.gatewayUrl, randomUUID(), body);
  expect(answer.status).toBe(400);
  expect(answer.body).toMatchObject({ error: 'invalid_body', field });
  expect(JSON.stringify(answer.body)).not.toMatch(DATABASE_WORDS);
});

test('nothing hostile reaches PostgreSQL', async () => {
  const { rows } = await stack.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM orders WHERE customer_id ~ '[[:cntrl:]]' OR length(customer_id) > 64",
  );
  expect(rows[0]?.n).toBe(0);
});

test.each([
  ['with a space', 'key with space'],
  ['with a quote', 'key"quoted'],
  ['of 201 characters', 'k'.repeat(201)],
])('an Idempotency-Key %s is 400 naming the header', async (_name, key) => {
  const answer = await postOrder(stack.gatewayUrl, key, orderBody());
  expect(answer.status).toBe(400);
  expect(answer.body).toMatchObject({ error: 'invalid_header', field: 'Idempotency-Key' });
});

test('a body that is not JSON is 400 naming the body, and a non-JSON content type is 415', async () => {
  const broken = await postRaw(`${stack.gatewayUrl}/api/orders`, '{"customerId":');
  expect(broken.status).toBe(400);
  expect(broken.body).toMatchObject({ error: 'invalid_json', field: 'body' });
  const response = await fetch(`${stack.gatewayUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'idempotency-key': randomUUID() },
    body: JSON.stringify(orderBody()),
  });
  expect(response.status).toBe(415);
  expect(await response.json()).toMatchObject({ error: 'unsupported_media_type', field: 'content-type' });
});

test('a malformed percent-encoding in an order id is 400 naming the path', async () => {
  const response = await fetch(`${stack.gatewayUrl}/api/orders/%zz`);
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error: 'invalid_path', field: 'path' });
});

describe('order-service error mapping', () => {
  const logged: Array<Record<string, unknown>> = [];
  const log = winston.createLogger({
    format: winston.format.json(),
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk: Buffer, _encoding, done) {
            logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
            done();
          },
        }),
      }),
    ],
  });
  const cache = {
    get: async () => ({ outcome: 'miss' }),
    putIfFinal: async () => undefined,
    connected: true,
  };

  async function orderServiceWith(error: Error) {
    const failing = async () => {
      throw error;
    };
    const pool = { connect: failing, query: failing } as unknown as pg.Pool;
    return listen(
      createOrderApp({
        pool,
        cache: cache as unknown as OrderCache,
        topic: 'orders.created',
        log,
        relayConnected: () => true,
      }),
      0,
      '127.0.0.1',
    );
  }

  test('an unexpected database error is 500 with a trace id and nothing else', async () => {
    const error = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
    });
    const server = await orderServiceWith(error);
    try {
      const answer = await postRaw(`http://127.0.0.1:${server.port}/orders`, JSON.stringify(orderBody()));
      expect(answer.status).toBe(500);
      expect(Object.keys(answer.body).sort()).toEqual(['error', 'traceId']);
      expect(answer.body).toEqual({ error: 'internal', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(answer.text).not.toMatch(DATABASE_WORDS);
      expect(logged).toContainEqual(
        expect.objectContaining({
          level: 'error',
          traceId: answer.body.traceId,
          error: expect.stringContaining('invalid byte sequence'),
          stack: expect.stringContaining('Error'),
        }),
      );
    } finally {
      await server.close();
    }
  });

  test('a database that cannot be reached is 503 without the driver message', async () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const server = await orderServiceWith(error);
    try {
      const answer = await postRaw(`http://127.0.0.1:${server.port}/orders`, JSON.stringify(orderBody()));
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({
        error: 'unavailable',
        message: 'the order store is unavailable, retry with the same Idempotency-Key',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(answer.text).not.toMatch(/ECONNREFUSED|5432/);
    } finally {
      await server.close();
    }
  });

  test('the gateway passes no upstream 5xx body through', async () => {
    const error = new Error('relation "orders" does not exist');
    const server = await orderServiceWith(error);
    const gateway = await startGateway(
      {
        port: 0,
        orderServiceUrl: `http://127.0.0.1:${server.port}`,
        upstreamTimeoutMs: 2000,
        logLevel: 'error',
      },
      log,
    );
    try {
      const answer = await postRaw(
        `http://127.0.0.1:${gateway.port}/api/orders`,
        JSON.stringify(orderBody()),
      );
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({ error: 'internal', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    } finally {
      await gateway.close();
      await server.close();
    }
  });
});

describe('requests the HTTP parser refuses', () => {
  async function raw(request: string): Promise<string> {
    const { port } = new URL(stack.gatewayUrl);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('close', () => resolve());
      socket.write(request);
    });
    return answer;
  }

  test('a malformed request line is 400 with a JSON body', async () => {
    const answer = await raw('GARBAGE \u0000 HTTP/9\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.split('\r\n\r\n')[1] ?? '')).toMatchObject({ error: 'malformed_request' });
  });

  test('headers over the limit are 431 naming the headers', async () => {
    const answer = await raw(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(answer.split('\r\n\r\n')[1] ?? '')).toMatchObject({ field: 'headers' });
  });
});
