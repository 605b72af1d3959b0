/**
 * Flush on SIGTERM/SIGINT without changing what the signal does to the app. Listening to a
 * signal turns off Node's default "exit" for it, so when the app has no handler of its own,
 * Faultline re-raises the signal after the bounded flush and the process ends as it would have;
 * when the app has handlers, they run as usual and decide when to exit.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Installs the handlers; returns a function that removes them. */
export function flushOnSignals(flush: () => Promise<void>): () => void {
  const handlers = SIGNALS.map((signal) => {
    const handler = (): void => {
      process.removeListener(signal, handler);
      const appHandles = process.listenerCount(signal) > 0;
      void flush()
        .catch(() => undefined)
        .finally(() => {
          if (!appHandles && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
    };
    process.on(signal, handler);
    return { signal, handler };
  });
  return () => {
    for (const { signal, handler } of handlers) process.removeListener(signal, handler);
  };
}
