/** Elasticsearch-shaped error bodies, so the official client parses them as it would real ones. */

/** The `error` object of an Elasticsearch error response, and of a failed bulk item. */
export interface EsErrorCause {
  readonly type: string;
  readonly reason: string;
  readonly [extra: string]: unknown;
}

/** A request the receiver refuses, with the HTTP status and the Elasticsearch error type. */
export class EsRequestError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, reason: string) {
    super(reason);
    this.name = 'EsRequestError';
    this.status = status;
    this.type = type;
  }
}

/** A bulk protocol violation: 400 `illegal_argument_exception` with a reason naming the line. */
export function bulkViolation(reason: string): EsRequestError {
  return new EsRequestError(400, 'illegal_argument_exception', reason);
}

/** The body Elasticsearch sends for a failed request: `{ error: { root_cause, type, reason }, status }`. */
export function errorBody(status: number, type: string, reason: string): Record<string, unknown> {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}
