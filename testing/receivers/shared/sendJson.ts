/** Writes a JSON answer; every receiver replies through this so headers stay consistent. */
import type { ServerResponse } from 'node:http';

/** Sends `body` as JSON with `status`, plus any extra headers (which may override content-type). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
