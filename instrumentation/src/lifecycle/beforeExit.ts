/**
 * Flush when the event loop empties. A process that ends by running out of work (an app's
 * graceful drain that closes its server and lets Node exit, a script, a worker) never sees a
 * signal, and the spans of its last moments would sit in the queue until the schedule delay,
 * which never comes. `beforeExit` runs once the loop is empty; the export it starts keeps the
 * process alive until it is done, then `beforeExit` fires again with nothing left to flush.
 */

/** Installs the listener; returns a function that removes it. */
export function flushBeforeExit(hasPending: () => boolean, flush: () => Promise<void>): () => void {
  let flushing = false;
  const handler = (): void => {
    if (flushing || !hasPending()) return;
    flushing = true;
    void flush()
      .catch(() => undefined)
      .finally(() => {
        flushing = false;
      });
  };
  process.on('beforeExit', handler);
  return () => process.removeListener('beforeExit', handler);
}
