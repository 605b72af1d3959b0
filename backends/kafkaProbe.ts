/**
 * Whether a Kafka broker serves requests, asked in Kafka's own protocol: an ApiVersions v0
 * request (the one every client sends first, and that every broker keeps answering) must come
 * back without error. A listening socket alone proves nothing: the broker binds its port early
 * and only starts reading requests once it has registered with the controller and been unfenced.
 */
import { connect } from 'node:net';

const API_VERSIONS = 18;
const CORRELATION_ID = 0x0fa17;

/** The bytes of an ApiVersions v0 request with a null client id. */
export function apiVersionsRequest(): Buffer {
  const body = Buffer.alloc(10);
  body.writeInt16BE(API_VERSIONS, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(CORRELATION_ID, 4);
  body.writeInt16BE(-1, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Whether `response` (size-prefixed) is an ApiVersions answer to our request with no error. */
export function isApiVersionsSuccess(response: Buffer): boolean {
  if (response.length < 10) return false;
  return response.readInt32BE(4) === CORRELATION_ID && response.readInt16BE(8) === 0;
}

/** Resolves true once the broker at `host:port` answers ApiVersions without error (2 s at most). */
export function kafkaAnswers(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write(apiVersionsRequest()));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 10) finish(isApiVersionsSuccess(received));
    });
    socket.once('end', () => finish(false));
  });
}
