/**
 * The order API's OpenAPI document: the committed copy is what the generator writes, it is a
 * valid OpenAPI 3.1 document whose schemas compile, the gateway serves it, and it bounds every
 * string, array and number of the request.
 */
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { OPENAPI_PATH, renderOpenApi } from '../gateway/generateOpenApi.ts';
import { openApiDocument } from '../gateway/openApi.ts';
import { createGatewayApp } from '../gateway/app.ts';
import { OrderServiceClient } from '../gateway/orderServiceClient.ts';
import { listen } from '../shared/httpServer.ts';
import { createLogger } from '../shared/logger.ts';

type Schema = Record<string, unknown>;

test('the committed document is what `npm run openapi:generate` writes', async () => {
  expect(await readFile(OPENAPI_PATH, 'utf8')).toBe(renderOpenApi());
});

test('every schema of the document compiles as JSON Schema 2020-12', () => {
  const document = openApiDocument() as { openapi: string; components: { schemas: Record<string, Schema> } };
  expect(document.openapi).toBe('3.1.0');
  const ajv = new Ajv2020({ strict: true, strictTypes: false });
  addFormats.default(ajv);
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    expect({ name, compiles: (() => (ajv.compile(schema), true))() }).toEqual({ name, compiles: true });
  }
});

function unbounded(schema: Schema, at: string): string[] {
  const found: string[] = [];
  if (schema.type === 'string' && (schema.maxLength === undefined || schema.pattern === undefined))
    found.push(at);
  if (schema.type === 'array' && schema.maxItems === undefined) found.push(at);
  if ((schema.type === 'integer' || schema.type === 'number') && schema.maximum === undefined) found.push(at);
  if (schema.type === 'object' && schema.additionalProperties !== false) found.push(at);
  for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Schema>))
    found.push(...unbounded(child, `${at}.${key}`));
  if (schema.items) found.push(...unbounded(schema.items as Schema, `${at}[]`));
  return found;
}

test('every string, array, number and object of the request is bounded', () => {
  const document = openApiDocument() as {
    components: { schemas: Record<string, Schema>; parameters: Record<string, { schema: Schema }> };
  };
  expect(unbounded(document.components.schemas.OrderRequest as Schema, 'OrderRequest')).toEqual([]);
  expect(
    unbounded(document.components.parameters.IdempotencyKey?.schema as Schema, 'Idempotency-Key'),
  ).toEqual([]);
});

test('the gateway serves the document at /openapi.json', async () => {
  const app = createGatewayApp({
    orders: new OrderServiceClient('http://127.0.0.1:9', 500),
    log: createLogger('openapi-test', 'error'),
    draining: () => false,
  });
  const server = await listen(app, 0, '127.0.0.1');
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual(openApiDocument());
  } finally {
    await server.close();
  }
});
