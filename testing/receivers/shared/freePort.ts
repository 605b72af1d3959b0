/**
 * Finds a free loopback port for a program that must be told its port up front (Alertmanager,
 * the sink CLI). Binding port 0 and releasing it leaves a tiny window in which another process
 * could take the port; callers that can bind port 0 themselves should do that instead.
 */
import { createServer } from 'node:net';

/** Resolves with a TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not determine a free port');
  return address.port;
}
