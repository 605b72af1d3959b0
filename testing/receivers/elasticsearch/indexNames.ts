/** The index naming rules Elasticsearch enforces on every write. */
import { bulkViolation } from './esErrors.ts';

const FORBIDDEN = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

/**
 * Throws a bulk violation when `name` is not a valid index (or data stream) name: lower case,
 * none of `\ / * ? " < > | , # :` or spaces, not starting with `-`, `_` or `+`, not `.` or `..`,
 * at most 255 bytes.
 */
export function assertValidIndexName(name: string, where: string): void {
  const invalid = (why: string) => bulkViolation(`Invalid index name [${name}] ${where}, ${why}`);
  if (name === '') throw invalid('must not be empty');
  if (name !== name.toLowerCase()) throw invalid('must be lowercase');
  const bad = FORBIDDEN.find((character) => name.includes(character));
  if (bad !== undefined) throw invalid(`must not contain [${bad}]`);
  if (/^[-_+]/.test(name)) throw invalid("must not start with '_', '-', or '+'");
  if (name === '.' || name === '..') throw invalid("must not be '.' or '..'");
  if (Buffer.byteLength(name) > 255) throw invalid('index name is too long, (> 255)');
}
