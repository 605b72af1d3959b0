/**
 * Checks what `npm run demo` needs before starting anything, and reports every missing piece
 * in one message that says how to get it.
 */
import { access, constants } from 'node:fs/promises';
import net from 'node:net';

/** Something the demo needs is missing; the message lists all of it. */
export class PrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrerequisiteError';
  }
}

/** Binaries of Debian's packages the demo runs. */
export const BINARIES = {
  haproxy: { path: '/usr/sbin/haproxy', package: 'haproxy' },
  prometheus: { path: '/usr/bin/prometheus', package: 'prometheus' },
  alertmanager: { path: '/usr/bin/prometheus-alertmanager', package: 'prometheus-alertmanager' },
  'redis-sentinel': { path: '/usr/bin/redis-sentinel', package: 'redis-sentinel' },
} as const;

/** Resolves when a TCP connection to host:port succeeds within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket
      .once('connect', () => done(true))
      .once('error', () => done(false))
      .once('timeout', () => done(false));
  });
}

/** Whether nothing listens on 127.0.0.1:`port`. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function hostPort(url: string, fallbackPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || fallbackPort) };
}

/** What to check. */
export interface PrerequisiteInput {
  databaseUrl: string;
  redisUrl: string;
  amqpUrl: string;
  binaries: Array<keyof typeof BINARIES>;
  ports: number[];
}

/** Throws one PrerequisiteError listing everything missing. */
export async function checkPrerequisites(input: PrerequisiteInput): Promise<void> {
  const problems: string[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24)
    problems.push(
      `Node ${process.versions.node} is too old: run through npm (\`npm run demo\`) so Node 24 from the devDependency is used`,
    );
  const missing: string[] = [];
  for (const name of input.binaries) {
    const binary = BINARIES[name];
    await access(binary.path, constants.X_OK).catch(() => missing.push(binary.package));
  }
  if (missing.length > 0)
    problems.push(`missing ${missing.join(', ')}: sudo apt-get install -y ${missing.join(' ')}`);
  const stores: Array<[string, string, number, string]> = [
    [
      'PostgreSQL',
      input.databaseUrl,
      5432,
      'postgresql (sudo apt-get install -y postgresql; trust auth for user postgres on 127.0.0.1), or set DATABASE_URL',
    ],
    ['Redis', input.redisUrl, 6379, 'redis-server (sudo apt-get install -y redis-server), or set REDIS_URL'],
    [
      'RabbitMQ',
      input.amqpUrl,
      5672,
      'rabbitmq-server (sudo apt-get install -y rabbitmq-server), or set AMQP_URL',
    ],
  ];
  for (const [name, url, port, how] of stores) {
    const target = hostPort(url, port);
    if (!(await canConnect(target.host, target.port)))
      problems.push(`${name} is not reachable at ${target.host}:${target.port}: start ${how}`);
  }
  const busy: number[] = [];
  for (const port of input.ports) if (!(await portFree(port))) busy.push(port);
  if (busy.length > 0)
    problems.push(`ports already in use: ${busy.join(', ')} (another demo running? stop it first)`);
  if (problems.length > 0)
    throw new PrerequisiteError(`Cannot start the demo:\n  - ${problems.join('\n  - ')}`);
}
