/**
 * The receiver's in-memory indices: applies bulk operations with Elasticsearch's semantics
 * (create conflicts, index overwrites, partial updates, deletes) and produces the matching
 * bulk response item for each.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { BulkItemFault } from './itemFaults.ts';
import type { BulkOperation } from './parseBulkBody.ts';

/** A document as currently stored. */
export interface StoredDocument {
  readonly index: string;
  readonly id: string;
  readonly source: Readonly<Record<string, unknown>>;
  readonly version: number;
  readonly seqNo: number;
}

/** One entry of a bulk response's `items`, keyed by the action: `{ create: { _index, _id, status, ... } }`. */
export type BulkResponseItem = Record<string, Record<string, unknown>>;

type Outcome =
  | {
      readonly ok: true;
      readonly result: 'created' | 'updated' | 'deleted' | 'noop' | 'not_found';
      readonly status: number;
      readonly doc: StoredDocument;
    }
  | { readonly ok: false; readonly fault: BulkItemFault };

const SHARDS = { total: 2, successful: 1, failed: 0 };

/** In-memory documents, keyed by index and id, in insertion order. */
export class DocumentStore {
  readonly #docs = new Map<string, StoredDocument>();
  readonly #seqNos = new Map<string, number>();
  readonly #uuids = new Map<string, string>();

  /** Current documents, optionally of one index. */
  documents(index?: string): StoredDocument[] {
    return [...this.#docs.values()].filter((doc) => index === undefined || doc.index === index);
  }

  /** Drops every document. */
  clear(): void {
    this.#docs.clear();
    this.#seqNos.clear();
  }

  /** Applies `operation` unless `fault` is given, and returns its response item. */
  apply(operation: BulkOperation, fault: BulkItemFault | undefined): BulkResponseItem {
    const id = operation.id ?? randomBytes(15).toString('base64url');
    const outcome: Outcome = fault !== undefined ? { ok: false, fault } : this.#execute(operation, id);
    return { [operation.action]: this.#itemBody(operation.index, id, outcome) };
  }

  #execute(operation: BulkOperation, id: string): Outcome {
    const existing = this.#docs.get(key(operation.index, id));
    const conflict = checkConcurrency(operation, id, existing);
    if (conflict !== undefined) return { ok: false, fault: conflict };
    switch (operation.action) {
      case 'create':
        if (existing !== undefined)
          return { ok: false, fault: versionConflict(id, existing, 'document already exists') };
        return this.#write(operation.index, id, operation.source ?? {}, existing, 'created');
      case 'index':
        return this.#write(
          operation.index,
          id,
          operation.source ?? {},
          existing,
          existing ? 'updated' : 'created',
        );
      case 'update':
        return this.#update(operation, id, existing);
      case 'delete':
        return this.#delete(operation.index, id, existing);
    }
  }

  #update(operation: BulkOperation, id: string, existing: StoredDocument | undefined): Outcome {
    const body = operation.source ?? {};
    if (body.script !== undefined) {
      return {
        ok: false,
        fault: {
          status: 400,
          type: 'illegal_argument_exception',
          reason: 'scripted updates are not supported by the test receiver',
        },
      };
    }
    const doc = asObject(body.doc);
    if (existing === undefined) {
      const upsert = body.doc_as_upsert === true ? doc : asObject(body.upsert);
      if (body.doc_as_upsert !== true && body.upsert === undefined) {
        return {
          ok: false,
          fault: { status: 404, type: 'document_missing_exception', reason: `[${id}]: document missing` },
        };
      }
      return this.#write(operation.index, id, upsert, undefined, 'created');
    }
    const merged = deepMerge(existing.source, doc);
    if (body.detect_noop !== false && JSON.stringify(merged) === JSON.stringify(existing.source)) {
      return { ok: true, result: 'noop', status: 200, doc: existing };
    }
    return this.#write(operation.index, id, merged, existing, 'updated');
  }

  #delete(index: string, id: string, existing: StoredDocument | undefined): Outcome {
    const seqNo = this.#nextSeqNo(index);
    if (existing === undefined) {
      return {
        ok: true,
        result: 'not_found',
        status: 404,
        doc: { index, id, source: {}, version: 1, seqNo },
      };
    }
    this.#docs.delete(key(index, id));
    return {
      ok: true,
      result: 'deleted',
      status: 200,
      doc: { ...existing, version: existing.version + 1, seqNo },
    };
  }

  #write(
    index: string,
    id: string,
    source: Readonly<Record<string, unknown>>,
    existing: StoredDocument | undefined,
    result: 'created' | 'updated',
  ): Outcome {
    const doc = { index, id, source, version: (existing?.version ?? 0) + 1, seqNo: this.#nextSeqNo(index) };
    this.#docs.set(key(index, id), doc);
    return { ok: true, result, status: result === 'created' ? 201 : 200, doc };
  }

  #nextSeqNo(index: string): number {
    const next = (this.#seqNos.get(index) ?? -1) + 1;
    this.#seqNos.set(index, next);
    return next;
  }

  #itemBody(index: string, id: string, outcome: Outcome): Record<string, unknown> {
    if (!outcome.ok) {
      const { status, type, reason } = outcome.fault;
      const error = { type, reason, index_uuid: this.#uuid(index), shard: '0', index };
      return { _index: index, _id: id, status, error };
    }
    const { doc, result, status } = outcome;
    return {
      _index: index,
      _id: id,
      _version: doc.version,
      result,
      _shards: SHARDS,
      _seq_no: doc.seqNo,
      _primary_term: 1,
      status,
    };
  }

  #uuid(index: string): string {
    let uuid = this.#uuids.get(index);
    if (uuid === undefined) {
      uuid = randomUUID().replaceAll('-', '').slice(0, 22);
      this.#uuids.set(index, uuid);
    }
    return uuid;
  }
}

function key(index: string, id: string): string {
  return `${index}\u0000${id}`;
}

function checkConcurrency(
  operation: BulkOperation,
  id: string,
  existing: StoredDocument | undefined,
): BulkItemFault | undefined {
  const expected = operation.metadata.if_seq_no;
  if (expected === undefined) return undefined;
  if (
    existing === undefined ||
    existing.seqNo !== expected ||
    (operation.metadata.if_primary_term ?? 1) !== 1
  ) {
    return versionConflict(id, existing, `required seqNo [${String(expected)}]`);
  }
  return undefined;
}

function versionConflict(id: string, existing: StoredDocument | undefined, why: string): BulkItemFault {
  const current = existing === undefined ? 'no document' : `current version [${existing.version}]`;
  return {
    status: 409,
    type: 'version_conflict_engine_exception',
    reason: `[${id}]: version conflict, ${why} (${current})`,
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function deepMerge(
  base: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(patch)) {
    const current = merged[field];
    const bothObjects = asObject(current) === current && asObject(value) === value;
    merged[field] = bothObjects
      ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return merged;
}
