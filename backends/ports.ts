/**
 * Free TCP ports on 127.0.0.1, for the backends, demos, tests and benchmarks that run beside each
 * other (and beside a `npm run demo` on the default ports) on one machine: the one copy of this
 * helper. Binding port 0 and releasing it leaves a short window in which another process could
 * take the port; callers that can bind port 0 themselves should.
 */
import net from 'node:net';

/** A free TCP port on 127.0.0.1 (also a port nothing listens on, for a target that is down). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `count` distinct free TCP ports on 127.0.0.1. Every port is held until all are chosen, so the
 * kernel cannot hand the same one out twice (as two `freePort()` calls in a row can).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      ),
    );
  }
}

async function bindable(port: number): Promise<boolean> {
  const server = net.createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

/**
 * The first of `count` consecutive free ports (the demo gives each process the next metrics
 * port after a base). Tries random bases until one whole range is free.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let free = true;
    for (let port = base; free && port < base + count; port += 1) free = await bindable(port);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found between 20000 and 50000`);
}
