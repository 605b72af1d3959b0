/**
 * The contrib instrumentations Faultline enables for client libraries, each loaded only when the
 * app loads the library ({@link LazyContribInstrumentation}). Module names, versions and files
 * mirror the contrib's own definitions; the README's compatibility table lists the same entries.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each contrib is required on first use */
import type { ContribLibrary } from './LazyContribInstrumentation.ts';

/** PostgreSQL through `pg` (and its pool). */
export const pgLibrary: ContribLibrary = {
  library: 'pg',
  contrib: '@opentelemetry/instrumentation-pg',
  modules: [
    { name: 'pg', versions: ['>=8.0.3 <9'], files: ['pg/lib/native/client.js', 'pg/lib/client.js'] },
    { name: 'pg-pool', versions: ['>=2.0.0 <4'] },
  ],
  load: () => {
    const { PgInstrumentation } =
      require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
    return new PgInstrumentation({ enabled: false, requireParentSpan: true });
  },
};

/** Redis through `ioredis`. */
export const ioredisLibrary: ContribLibrary = {
  library: 'ioredis',
  contrib: '@opentelemetry/instrumentation-ioredis',
  modules: [{ name: 'ioredis', versions: ['>=2.0.0 <7'] }],
  load: () => {
    const { IORedisInstrumentation } =
      require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
    return new IORedisInstrumentation({ enabled: false, requireParentSpan: true });
  },
};

/** MySQL and MariaDB through `mysql2`. */
export const mysql2Library: ContribLibrary = {
  library: 'mysql2',
  contrib: '@opentelemetry/instrumentation-mysql2',
  modules: [
    { name: 'mysql2', versions: ['>=1.4.2 <4'], files: ['mysql2/promise.js', 'mysql2/lib/connection.js'] },
  ],
  load: () => {
    const { MySQL2Instrumentation } =
      require('@opentelemetry/instrumentation-mysql2') as typeof import('@opentelemetry/instrumentation-mysql2');
    return new MySQL2Instrumentation({ enabled: false });
  },
};

/** Every contrib library, in the order of the README's table. */
export const CONTRIB_LIBRARIES: readonly ContribLibrary[] = [pgLibrary, ioredisLibrary, mysql2Library];
