/**
 * Per-document failures a test can inject into bulk responses, shaped like the item errors a
 * real cluster returns, so a client's retry and drop logic can be exercised item by item.
 */
import type { BulkOperation } from './parseBulkBody.ts';

/** A failed bulk item: its HTTP-like status and the Elasticsearch error type and reason. */
export interface BulkItemFault {
  readonly status: number;
  readonly type: string;
  readonly reason: string;
}

/** Decides, for each operation of a bulk request, whether it fails (return a fault) or is applied (undefined). */
export type ItemFaultDecider = (operation: BulkOperation) => BulkItemFault | undefined;

/** 429: the write thread pool queue is full; clients are expected to retry the item. */
export function rejectedExecution(): BulkItemFault {
  return {
    status: 429,
    type: 'es_rejected_execution_exception',
    reason:
      'rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, ' +
      'all_bytes=0, coordinating_operation_bytes=104857600, max_coordinating_and_primary_bytes=104857600]',
  };
}

/** 400: the document does not fit the mapping; retrying cannot help. */
export function documentParsingFailure(field = 'unknown'): BulkItemFault {
  return {
    status: 400,
    type: 'document_parsing_exception',
    reason: `[1:2] failed to parse field [${field}] of type [long] in document`,
  };
}
