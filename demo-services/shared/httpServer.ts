/**
 * Starting and stopping an HTTP server for an express app, with the port actually bound
 * (tests ask for port 0), and JSON answers for the requests Node's HTTP parser refuses
 * before express sees them.
 */
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';

/** The answer to a request the HTTP parser refused: status and what to name. Pure. */
export function parserRefusal(code: string | undefined): { status: number; reason: string; body: object } {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      body: { error: 'headers_too_large', field: 'headers', message: 'the request headers are too large' },
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      status: 408,
      reason: 'Request Timeout',
      body: { error: 'request_timeout', field: 'request', message: 'the request was not received in time' },
    };
  return {
    status: 400,
    reason: 'Bad Request',
    body: { error: 'malformed_request', field: 'request', message: 'the request is not valid HTTP/1.1' },
  };
}

function refuse(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, reason, body } = parserRefusal(error.code);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

/** A listening server and how to stop it. */
export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on `port` (0: any free port) on all interfaces. */
export async function listen(app: Express, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', refuse);
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
