/**
 * The order API's OpenAPI 3.1 document, generated from the zod schemas the gateway validates
 * with, so the contract and the validation cannot disagree. Served at `GET /openapi.json`;
 * `gateway/openapi.json` is the committed copy (`npm run openapi:generate`, checked by
 * `test/openapi.test.ts`).
 */
import { z } from 'zod';
import {
  IDEMPOTENCY_KEY_PATTERN,
  MAX_BODY_BYTES,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  idempotencyKeySchema,
  orderRequestSchema,
} from '../shared/orderRequest.ts';
import {
  errorSchema,
  healthSchema,
  orderAcceptedSchema,
  orderViewSchema,
  readinessSchema,
} from './apiSchemas.ts';

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'throw',
  }) as JsonObject;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function json(description: string, schema: JsonObject, headers?: JsonObject): JsonObject {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } };
}

const error = (description: string) => json(description, ref('Error'));

const CACHE_HEADER = {
  'x-cache': {
    description:
      'where the order was read: hit (Redis), miss (PostgreSQL, then cached), degraded (Redis down)',
    schema: { type: 'string', enum: ['hit', 'miss', 'degraded'] },
  },
};

const RETRY_AFTER = { 'retry-after': { description: 'seconds to wait', schema: { type: 'string' } } };

function paths(): JsonObject {
  return {
    '/api/orders': {
      post: {
        operationId: 'createOrder',
        summary: 'Place an order (idempotent on Idempotency-Key)',
        parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
        requestBody: {
          required: true,
          description: `At most ${MAX_BODY_BYTES} bytes of UTF-8 JSON.`,
          content: { 'application/json': { schema: ref('OrderRequest') } },
        },
        responses: {
          '202': json('accepted; the payment follows asynchronously', ref('OrderAccepted')),
          '400': error('invalid header or body; `field` names it'),
          '413': error(`body larger than ${MAX_BODY_BYTES} bytes; \`limitBytes\` names the limit`),
          '415': error('not application/json, or an unsupported charset or content encoding'),
          '422': error('the Idempotency-Key was used with a different body'),
          '500': error('unexpected failure; `traceId` only'),
          '503': { ...error('a dependency is down; retry with the same key'), headers: RETRY_AFTER },
        },
      },
    },
    '/api/orders/{id}': {
      get: {
        operationId: 'getOrder',
        summary: 'Read an order',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': json('the order', ref('OrderView'), CACHE_HEADER),
          '400': error('the path is not valid percent-encoding'),
          '404': error('no order with this id (also any id that is not a UUID)'),
          '500': error('unexpected failure; `traceId` only'),
          '503': { ...error('a dependency is down; retry'), headers: RETRY_AFTER },
        },
      },
    },
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Liveness',
        responses: { '200': json('alive', ref('Health')) },
      },
    },
    '/readyz': {
      get: {
        operationId: 'readiness',
        summary: 'Readiness: the order service answers and this instance is not draining',
        responses: { '200': json('ready', ref('Readiness')), '503': json('not ready', ref('Readiness')) },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openApi',
        summary: 'This document',
        responses: { '200': json('the OpenAPI document', { type: 'object' }) },
      },
    },
  };
}

/** The whole document. Pure: the same bytes every time. */
export function openApiDocument(): JsonObject {
  const keySchema = jsonSchema(idempotencyKeySchema, 'input');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Faultline demo order API',
      version: '1.0.0',
      description:
        'The public API of the demo shop (gateway behind HAProxy). Every string, array, number and the body ' +
        'are bounded; a 4xx names the field or limit, a 5xx carries only a trace id. Unknown routes are 404; ' +
        'a request the HTTP parser refuses is 400 (malformed), 408 (too slow) or 431 (headers too large), JSON too.',
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'npm run demo (HAProxy)' }],
    paths: paths(),
    components: {
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description: `1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} of A-Z a-z 0-9 . _ : ~ + / = - (${IDEMPOTENCY_KEY_PATTERN}); the same key and body return the same order`,
          schema: keySchema,
        },
      },
      schemas: {
        OrderRequest: jsonSchema(orderRequestSchema, 'input'),
        OrderAccepted: jsonSchema(orderAcceptedSchema, 'output'),
        OrderView: jsonSchema(orderViewSchema, 'output'),
        Error: jsonSchema(errorSchema, 'output'),
        Health: jsonSchema(healthSchema, 'output'),
        Readiness: jsonSchema(readinessSchema, 'output'),
      },
    },
  };
}
