/**
 * Finds the error a winston record is about and turns it into ECS `error.*` fields. Winston
 * carries an error in several shapes: the info object is the Error (`logger.error(err)`), the
 * `message` is an Error (`logger.log({ level, message: err })`), an Error sits under `error` or
 * `err` in the meta (`logger.error('failed', { err })`), or only its `stack` was copied onto the
 * info (`logger.error('failed', err)`, `format.errors({ stack: true })`).
 */
import { logFields } from '../../catalogue/index.ts';
import type { Redactor } from '../../redaction/createRedactor.ts';

/** Where the record's error came from, so the formatter knows which fields it used up. */
export interface FoundError {
  /** The Error object, when there is one. */
  readonly error: Error | undefined;
  /** The info key the Error was taken from (`error`, `err`), if any. */
  readonly key: string | undefined;
  /** A stack string found on the info itself. */
  readonly stack: string | undefined;
}

const MAX_CAUSES = 3;

/** Locates the record's error, if any. */
export function findError(info: Readonly<Record<string, unknown>>, isError: boolean): FoundError {
  const stack = typeof info.stack === 'string' ? info.stack : undefined;
  if (isError) return { error: info as unknown as Error, key: undefined, stack };
  if (info.message instanceof Error) return { error: info.message, key: undefined, stack };
  for (const key of ['error', 'err']) {
    if (info[key] instanceof Error) return { error: info[key], key, stack };
  }
  return { error: undefined, key: undefined, stack };
}

function stackWithCauses(error: Error): string {
  let text = typeof error.stack === 'string' ? error.stack : `${error.name}: ${error.message}`;
  let cause = error.cause;
  for (let depth = 0; depth < MAX_CAUSES && cause !== undefined; depth++) {
    text += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

/** `error.*` fields for `found`, masked; empty when the record carries no error. */
export function errorFields(found: FoundError, redactor: Redactor): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const { error, stack } = found;
  if (error !== undefined) {
    fields[logFields.errorType] = error.name || error.constructor?.name || 'Error';
    fields[logFields.errorMessage] = redactor.redactString(String(error.message));
    fields[logFields.errorStack] = redactor.redactString(stackWithCauses(error));
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') fields['error.code'] = String(code);
    return fields;
  }
  if (stack === undefined) return fields;
  // Only the stack survived: its first line is "Name: message".
  const firstLine = /^([\w$.]+)(?::\s*(.*))?$/m.exec(stack.split('\n', 1)[0] ?? '');
  if (firstLine?.[1] !== undefined) fields[logFields.errorType] = firstLine[1];
  if (firstLine?.[2] !== undefined) fields[logFields.errorMessage] = redactor.redactString(firstLine[2]);
  fields[logFields.errorStack] = redactor.redactString(stack);
  return fields;
}

/** The Error's own fields other than those `error.*` already holds (kept, masked, elsewhere). */
export function extraErrorFields(error: Error): Record<string, unknown> | undefined {
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key !== 'code' && key !== 'level' && key !== 'message' && key !== 'stack') {
      extra[key] = (error as unknown as Record<string, unknown>)[key];
    }
  }
  return Object.keys(extra).length === 0 ? undefined : extra;
}
