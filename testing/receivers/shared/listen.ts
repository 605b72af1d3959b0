/**
 * Starts an HTTP server on a free loopback port for a test receiver. Several engineers run
 * their suites on this machine at once, so a receiver never picks a fixed port unless asked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request handler; a rejected promise is answered with 500 so a receiver bug is visible. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Where to listen. Port 0 (the default) lets the kernel choose a free port. */
export interface ListenOptions {
  host?: string;
  port?: number;
}

/** A listening server: its base URL and a close that also drops open (hung) connections. */
export interface ListeningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and destroys open ones, so a hung request cannot hold it open. */
  close(): Promise<void>;
}

/**
 * Listens with `handler` and resolves once the port is bound.
 * Throws the server's error (e.g. EADDRINUSE for an explicit port that is taken).
 */
export async function listen(handler: RequestHandler, options: ListenOptions = {}): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => answerInternalError(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function answerInternalError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: `receiver failure: ${String(error)}` }));
}
