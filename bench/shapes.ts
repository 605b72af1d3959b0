/**
 * The kinds of service the bench measures, each run bare and under every variant: express 5 with
 * winston (bench/app/express-app.cjs), fastify 5 with its pino logger (fastify-app.cjs), and an
 * express route reading MariaDB through mysql2 and Redis through ioredis (express-db-app.cjs), so
 * every agent's database-client instrumentation is on the request path. Every shape serves the
 * same two routes: GET /users/:id (the one under load) and GET /users/:id/profile (one outgoing
 * call to the first, for the span-count probe).
 */
import { connect } from 'node:net';
import { join } from 'node:path';

/** Identifiers of the shapes, in report order. */
export type ShapeId = 'express' | 'fastify' | 'express-db';

/** A local service a shape needs, checked before the run. */
export interface Dependency {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** One kind of service. */
export interface Shape {
  readonly id: ShapeId;
  readonly label: string;
  readonly script: string;
  /** Packages whose versions the report prints for the shape. */
  readonly packages: readonly string[];
  /** Calls to other services each request of the loaded route makes (one client span each). */
  readonly clientCallsPerRequest: number;
  readonly needs: readonly Dependency[];
  readonly env: Readonly<Record<string, string>>;
}

/** The local MariaDB and Redis of scripts/provision.sh (a test fixture, not a deployed secret). */
const MARIADB: Dependency = { name: 'MariaDB', host: '127.0.0.1', port: 3306 };
const REDIS: Dependency = { name: 'Redis', host: '127.0.0.1', port: 6379 };

/** Every shape, given the repository root. */
export function shapes(root: string): Record<ShapeId, Shape> {
  const app = (file: string): string => join(root, 'bench', 'app', file);
  return {
    express: {
      id: 'express',
      label: 'express 5 + winston',
      script: app('express-app.cjs'),
      packages: ['express', 'winston'],
      clientCallsPerRequest: 0,
      needs: [],
      env: {},
    },
    fastify: {
      id: 'fastify',
      label: 'fastify 5 + pino',
      script: app('fastify-app.cjs'),
      packages: ['fastify', 'pino'],
      clientCallsPerRequest: 0,
      needs: [],
      env: {},
    },
    'express-db': {
      id: 'express-db',
      label: 'express 5 + mysql2 query + Redis read',
      script: app('express-db-app.cjs'),
      packages: ['express', 'mysql2', 'ioredis'],
      clientCallsPerRequest: 2,
      needs: [MARIADB, REDIS],
      env: {
        MYSQL_URL: `mysql://faultline:faultline@${MARIADB.host}:${MARIADB.port}/faultline`,
        REDIS_URL: `redis://${REDIS.host}:${REDIS.port}`,
      },
    },
  };
}

/** Every shape id, in report order. */
export const SHAPE_IDS: readonly ShapeId[] = ['express', 'fastify', 'express-db'];

/** Whether something accepts TCP connections at `dependency` (within a second). */
function reachable(dependency: Dependency): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: dependency.host, port: dependency.port });
    socket.setTimeout(1000);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Why `shape` cannot run here (a dependency down), or undefined when it can. */
export async function whyNotRunnable(shape: Shape): Promise<string | undefined> {
  for (const dependency of shape.needs) {
    if (!(await reachable(dependency)))
      return `${dependency.name} is not listening on ${dependency.host}:${dependency.port} (run \`bash scripts/provision.sh\`)`;
  }
  return undefined;
}
