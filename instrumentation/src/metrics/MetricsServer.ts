/**
 * Serves the registry at `/metrics` on its own port, negotiating the Prometheus text format or
 * OpenMetrics (with exemplars) from the scrape's `Accept` header. Neither the server nor a
 * scraper's kept-alive connection keeps the process alive (`unref`), so an app that drains and
 * lets Node run out of work still exits; a port already in use is logged, not thrown.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SelfLogger } from '../logs/SelfLogger.ts';
import { FORMATS, negotiateFormat } from './exposition.ts';
import type { MetricsRegistry } from './MetricsRegistry.ts';

/** The metrics endpoint. */
export class MetricsServer {
  readonly server: Server;
  readonly #registry: MetricsRegistry;
  readonly #log: SelfLogger;

  constructor(registry: MetricsRegistry, log: SelfLogger) {
    this.#registry = registry;
    this.#log = log;
    this.server = createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'not found: metrics are served at GET /metrics' }));
        return;
      }
      const format = negotiateFormat(request.headers.accept);
      this.#registry.render(format).then(
        (body) => {
          response.writeHead(200, { 'content-type': FORMATS[format] });
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: `collecting metrics failed: ${String(error)}` }));
        },
      );
    });
    this.server.keepAliveTimeout = 65_000;
    this.server.on('connection', (socket) => socket.unref());
  }

  /** Listens on `host:port`; resolves with the URL of `/metrics`, or undefined if it could not bind. */
  listen(host: string, port: number): Promise<string | undefined> {
    return new Promise((resolve) => {
      const onError = (error: Error): void => {
        this.#log.log('error', `metrics endpoint not started on ${host}:${port}: ${error.message}`, {
          'event.action': 'metrics.listen_failed',
          'error.message': error.message,
        });
        resolve(undefined);
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', () => undefined);
        this.server.unref();
        const address = this.server.address() as AddressInfo;
        const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
        resolve(`http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}/metrics`);
      });
    });
  }

  /** Stops accepting scrapes. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
