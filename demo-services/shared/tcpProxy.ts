/**
 * A local TCP proxy that can be cut: the demo and the tests point the services at it instead of
 * the machine's Redis or RabbitMQ, so `redis-down` and `broker-down` fail the network path of
 * this demo only, never the shared servers other people use.
 */
import net from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  readonly port: number;
  /** Whether connections are currently cut. */
  readonly isDown: boolean;
  /** Drops every open connection and resets new ones until `restore()`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** What chaos needs of a network path: cut it, restore it, see whether it is cut, close it. */
export type CuttableLink = Pick<TcpProxy, 'isDown' | 'cut' | 'restore' | 'close'>;

/** Several links cut and restored as one (the proxies in front of each Redis node). */
export function linkGroup(links: readonly CuttableLink[]): CuttableLink {
  return {
    get isDown() {
      return links.some((link) => link.isDown);
    },
    cut: () => links.forEach((link) => link.cut()),
    restore: () => links.forEach((link) => link.restore()),
    close: async () => {
      await Promise.all(links.map((link) => link.close()));
    },
  };
}

/** Proxies `127.0.0.1:listenPort` (0: any free port) to `target` (`host:port`). */
export async function startTcpProxy(
  target: { host: string; port: number },
  listenPort = 0,
): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const drop = (socket: net.Socket) => () => {
      sockets.delete(socket);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop(client)).on('error', drop(client));
    upstream.on('close', drop(upstream)).on('error', drop(upstream));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(listenPort, '127.0.0.1', resolve),
  );
  return {
    port: (server.address() as net.AddressInfo).port,
    get isDown() {
      return down;
    },
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
