/** How the console words an error for the page: its message, and its cause's when it has one. */

/** `message: cause message` for an Error with an Error cause; the message alone otherwise. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
