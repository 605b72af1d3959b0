/**
 * What a failed bulk request means for the records in it. Retryable failures (unreachable,
 * timed out, 408, 429, 5xx) say nothing about the records, so they stay buffered for as long as
 * it takes; other failures (400, 401, 403, 404, 413, a non-Elasticsearch answer) will likely
 * repeat, so the batch is retried a bounded number of times and then dropped. Pure: decided
 * from the error's name and status, so it holds across copies of the client package.
 */

/** The verdict on one failed request. */
export interface RequestFailure {
  /** True when the backend is unavailable or overloaded rather than refusing the request. */
  readonly retryable: boolean;
  /** HTTP status when the backend answered. */
  readonly status: number | undefined;
  /** One line for Faultline's own log: error name, status and message. */
  readonly description: string;
}

const RETRYABLE_ERRORS = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError']);
const MAX_DESCRIPTION = 300;

/** Classifies an error thrown by `client.bulk`. */
export function classifyRequestFailure(error: unknown): RequestFailure {
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const rawStatus = (error as { statusCode?: unknown } | null)?.statusCode;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const retryable =
    RETRYABLE_ERRORS.has(name) ||
    (name === 'ResponseError' && status !== undefined && (status === 408 || status === 429 || status >= 500));
  const text = `${name}${status === undefined ? '' : ` ${status}`}: ${message}`;
  return {
    retryable,
    status,
    description: text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text,
  };
}
