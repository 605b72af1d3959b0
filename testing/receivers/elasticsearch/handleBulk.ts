/** One `_bulk` request end to end: media type, parameters, NDJSON parsing, item execution. */
import type { IncomingMessage } from 'node:http';
import { EsRequestError } from './esErrors.ts';
import { assertContentType, assertQueryParameters } from './esHttp.ts';
import type { BulkResponseItem, DocumentStore } from './DocumentStore.ts';
import type { ItemFaultDecider } from './itemFaults.ts';
import { parseBulkBody, type BulkOperation } from './parseBulkBody.ts';
import { readOrThrow } from './readJsonBody.ts';

/** Query parameters of the bulk API. */
const BULK_PARAMETERS = [
  'refresh',
  'pipeline',
  'routing',
  'timeout',
  'wait_for_active_shards',
  'require_alias',
  'require_data_stream',
  'list_executed_pipelines',
  'include_source_on_error',
  '_source',
  '_source_includes',
  '_source_excludes',
];

/** A bulk request that was accepted (HTTP 200), with its operations and the response sent. */
export interface BulkRecord {
  readonly path: string;
  readonly operations: readonly BulkOperation[];
  readonly response: { took: number; errors: boolean; items: BulkResponseItem[] };
}

/**
 * Validates and executes a bulk request against `store`; `decide` may fail chosen items.
 * Throws EsRequestError for anything that makes Elasticsearch refuse the whole request.
 */
export async function handleBulk(
  store: DocumentStore,
  url: URL,
  urlIndex: string | undefined,
  req: IncomingMessage,
  decide: ItemFaultDecider | undefined,
): Promise<BulkRecord> {
  const started = performance.now();
  assertContentType(req, 'application/x-ndjson');
  assertQueryParameters(url, BULK_PARAMETERS);
  const operations = parseBulkBody(utf8(await readOrThrow(req)), urlIndex);
  const items = operations.map((operation) => store.apply(operation, decide?.(operation)));
  const errors = items.some((item) => Object.values(item).some((body) => body.error !== undefined));
  const took = Math.max(1, Math.round(performance.now() - started));
  return { path: url.pathname, operations, response: { took, errors, items } };
}

function utf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new EsRequestError(400, 'illegal_argument_exception', 'bulk body is not valid UTF-8');
  }
}
