/**
 * Strict parsing of a `_bulk` NDJSON body into operations, following the Elasticsearch bulk
 * format: newline-terminated, one action/metadata line (`index`, `create`, `update` or `delete`,
 * exactly one key) followed by a source line for every action but `delete`.
 *
 * Stricter than Elasticsearch on purpose, to catch client bugs: every line must be valid JSON
 * and every source line a JSON object (Elasticsearch would accept the request and fail the item).
 */
import { bulkViolation } from './esErrors.ts';
import { assertValidIndexName } from './indexNames.ts';

/** The four bulk actions. */
export type BulkAction = 'index' | 'create' | 'update' | 'delete';

/** One parsed operation; `source` is undefined for delete. `line` is its action line (1-based). */
export interface BulkOperation {
  readonly action: BulkAction;
  readonly index: string;
  readonly id: string | undefined;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly source: Readonly<Record<string, unknown>> | undefined;
  readonly line: number;
}

const COMMON_PARAMETERS = ['_index', '_id', 'routing', 'pipeline', 'require_alias', 'require_data_stream'];
const WRITE_PARAMETERS = ['version', 'version_type', 'if_seq_no', 'if_primary_term', 'dynamic_templates'];
const PARAMETERS: Readonly<Record<BulkAction, ReadonlySet<string>>> = {
  index: new Set([...COMMON_PARAMETERS, ...WRITE_PARAMETERS, 'list_executed_pipelines']),
  create: new Set([...COMMON_PARAMETERS, ...WRITE_PARAMETERS, 'list_executed_pipelines']),
  update: new Set([...COMMON_PARAMETERS, 'if_seq_no', 'if_primary_term', 'retry_on_conflict', '_source']),
  delete: new Set([...COMMON_PARAMETERS, 'version', 'version_type', 'if_seq_no', 'if_primary_term']),
};
const UPDATE_FIELDS = new Set([
  'doc',
  'upsert',
  'doc_as_upsert',
  'script',
  'scripted_upsert',
  'detect_noop',
  '_source',
]);

/**
 * Parses `body`; `urlIndex` is the index from `POST /<index>/_bulk`, used when an action line
 * has no `_index`. Throws EsRequestError (400 illegal_argument_exception) at the first violation.
 */
export function parseBulkBody(body: string, urlIndex: string | undefined): BulkOperation[] {
  if (body === '') throw bulkViolation('Validation Failed: 1: no requests added;');
  if (!body.endsWith('\n')) throw bulkViolation('The bulk request must be terminated by a newline [\\n]');
  const lines = body.slice(0, -1).split('\n');
  const operations: BulkOperation[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = i + 1;
    const [action, metadata] = parseActionLine(lines[i] ?? '', line);
    const index = resolveIndex(metadata, urlIndex, line);
    const id = resolveId(metadata, action, line);
    let source: Record<string, unknown> | undefined;
    if (action !== 'delete') {
      i += 1;
      if (i >= lines.length)
        throw bulkViolation(
          `Malformed bulk request: [${action}] action on line [${line}] has no source line`,
        );
      source = parseSourceLine(lines[i] ?? '', i + 1, action);
    }
    operations.push({ action, index, id, metadata, source, line });
  }
  return operations;
}

function parseJsonObject(text: string, line: number, what: string): Record<string, unknown> {
  if (text.trim() === '') throw bulkViolation(`Malformed ${what} line [${line}]: the line is empty`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw bulkViolation(`Malformed ${what} line [${line}]: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bulkViolation(
      `Malformed ${what} line [${line}], expected START_OBJECT but found [${JSON.stringify(value)}]`,
    );
  }
  return value as Record<string, unknown>;
}

function parseActionLine(text: string, line: number): [BulkAction, Record<string, unknown>] {
  const object = parseJsonObject(text, line, 'action/metadata');
  const keys = Object.keys(object);
  if (keys.length !== 1) {
    throw bulkViolation(
      `Malformed action/metadata line [${line}], expected exactly one action but found [${keys.join(', ')}]`,
    );
  }
  const action = keys[0] as BulkAction;
  if (!(action in PARAMETERS)) {
    throw bulkViolation(
      `Malformed action/metadata line [${line}], expected field [create], [delete], [index] or [update] but found [${action}]`,
    );
  }
  const metadata = object[action];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw bulkViolation(`Malformed action/metadata line [${line}], expected START_OBJECT after [${action}]`);
  }
  for (const parameter of Object.keys(metadata)) {
    if (!PARAMETERS[action].has(parameter)) {
      throw bulkViolation(`Action/metadata line [${line}] contains an unknown parameter [${parameter}]`);
    }
  }
  return [action, metadata as Record<string, unknown>];
}

function resolveIndex(metadata: Record<string, unknown>, urlIndex: string | undefined, line: number): string {
  const index = metadata._index ?? urlIndex;
  if (index === undefined) throw bulkViolation(`Validation Failed: 1: index is missing for line [${line}];`);
  if (typeof index !== 'string')
    throw bulkViolation(`Action/metadata line [${line}]: [_index] must be a string`);
  assertValidIndexName(index, `on line [${line}]`);
  return index;
}

function resolveId(metadata: Record<string, unknown>, action: BulkAction, line: number): string | undefined {
  const id = metadata._id;
  if (id === undefined) {
    if (action === 'update' || action === 'delete')
      throw bulkViolation(`Validation Failed: 1: id is missing for line [${line}];`);
    return undefined;
  }
  if (typeof id !== 'string' || id === '' || Buffer.byteLength(id) > 512) {
    throw bulkViolation(
      `Action/metadata line [${line}]: [_id] must be a non-empty string of at most 512 bytes`,
    );
  }
  return id;
}

function parseSourceLine(text: string, line: number, action: BulkAction): Record<string, unknown> {
  const source = parseJsonObject(text, line, 'source');
  if (action !== 'update') return source;
  for (const field of Object.keys(source)) {
    if (!UPDATE_FIELDS.has(field))
      throw bulkViolation(`[UpdateRequest] unknown field [${field}] on line [${line}]`);
  }
  if (source.doc === undefined && source.script === undefined && source.upsert === undefined) {
    throw bulkViolation(`Validation Failed: 1: script or doc is missing on line [${line}];`);
  }
  return source;
}
