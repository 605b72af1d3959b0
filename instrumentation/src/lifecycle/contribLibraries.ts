/**
 * The contrib instrumentations Faultline enables for client libraries, each loaded only when the
 * app loads the library ({@link LazyContribInstrumentation}). Module names, versions and files
 * mirror the contrib's own definitions; the README's compatibility table lists the same entries.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each contrib is required on first use */
import type { ContribLibrary, ContribModule } from './LazyContribInstrumentation.ts';

/** PostgreSQL through `pg` (and its pool). */
export const pgLibrary: ContribLibrary = {
  library: 'pg',
  contrib: '@opentelemetry/instrumentation-pg',
  modules: [
    { name: 'pg', versions: ['>=8.0.3 <9'], files: ['pg/lib/client.js', 'pg/lib/native/client.js'] },
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

const REDIS_FILES = [
  'dist/lib/client/multi-command.js',
  'dist/lib/client/index.js',
  'dist/lib/cluster/index.js',
  'dist/lib/cluster/multi-command.js',
];

/** One of node-redis's client package names (renamed from `@node-redis/client` to `@redis/client`). */
function redisClientModule(name: string): ContribModule {
  const versions = ['^1.0.0', '^5.0.0', '^6.0.0'];
  return {
    name,
    versions,
    files: [
      { name: `${name}/dist/lib/commander.js`, versions: ['^1.0.0'] },
      ...REDIS_FILES.map((file) => `${name}/${file}`),
    ],
  };
}

/** Redis through node-redis (`redis`, whose commands `@redis/client` runs). */
export const nodeRedisLibrary: ContribLibrary = {
  library: 'redis',
  contrib: '@opentelemetry/instrumentation-redis',
  modules: [
    { name: 'redis', versions: ['>=2.6.0 <4'] },
    redisClientModule('@redis/client'),
    redisClientModule('@node-redis/client'),
  ],
  load: () => {
    const { RedisInstrumentation } =
      require('@opentelemetry/instrumentation-redis') as typeof import('@opentelemetry/instrumentation-redis');
    return new RedisInstrumentation({ enabled: false, requireParentSpan: true });
  },
};

const GRAPHQL_VERSIONS = ['>=14.0.0 <17'];

/** GraphQL execution (parse, validate, execute and resolvers) through `graphql`. */
export const graphqlLibrary: ContribLibrary = {
  library: 'graphql',
  contrib: '@opentelemetry/instrumentation-graphql',
  modules: [
    {
      name: 'graphql',
      versions: GRAPHQL_VERSIONS,
      files: ['graphql/execution/execute.js', 'graphql/language/parser.js', 'graphql/validation/validate.js'],
    },
  ],
  load: () => {
    const { GraphQLInstrumentation } =
      require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
    // Trivial field resolvers would add one span per field: only the operation's spans, by default.
    return new GraphQLInstrumentation({ enabled: false, ignoreTrivialResolveSpans: true });
  },
};

/** gRPC clients and servers through `@grpc/grpc-js`. */
export const grpcLibrary: ContribLibrary = {
  library: '@grpc/grpc-js',
  contrib: '@opentelemetry/instrumentation-grpc',
  modules: [{ name: '@grpc/grpc-js', versions: ['^1.0.0'] }],
  load: () => {
    const { GrpcInstrumentation } =
      require('@opentelemetry/instrumentation-grpc') as typeof import('@opentelemetry/instrumentation-grpc');
    return new GrpcInstrumentation({ enabled: false });
  },
};

/** The AWS SDK for JavaScript v3 (its middleware stack and clients; CommonJS builds). */
export const awsSdkLibrary: ContribLibrary = {
  library: '@aws-sdk/client-s3',
  contrib: '@opentelemetry/instrumentation-aws-sdk',
  modules: [
    {
      name: '@aws-sdk/middleware-stack',
      versions: ['^3.1.0'],
      files: [
        { name: '@aws-sdk/middleware-stack/dist/cjs/MiddlewareStack.js', versions: ['>=3.1.0 <3.35.0'] },
        { name: '@aws-sdk/middleware-stack/dist-cjs/MiddlewareStack.js', versions: ['>=3.35.0'] },
      ],
    },
    { name: '@smithy/middleware-stack', versions: ['>=2.0.0'] },
    {
      name: '@smithy/core',
      versions: ['>=3.24.0'],
      files: ['@smithy/core/dist-cjs/submodules/client/index.js'],
    },
    { name: '@aws-sdk/smithy-client', versions: ['^3.1.0'] },
    { name: '@smithy/smithy-client', versions: ['>=1.0.3'] },
  ],
  load: () => {
    const { AwsInstrumentation } =
      require('@opentelemetry/instrumentation-aws-sdk') as typeof import('@opentelemetry/instrumentation-aws-sdk');
    return new AwsInstrumentation({ enabled: false });
  },
};

/** MongoDB through the official `mongodb` driver (3.x, and 4 to 7: two definitions of one name). */
export const mongodbLibrary: ContribLibrary = {
  library: 'mongodb',
  contrib: '@opentelemetry/instrumentation-mongodb',
  modules: [
    {
      name: 'mongodb',
      versions: ['>=3.3.0 <4'],
      files: ['mongodb/lib/core/wireprotocol/index.js'],
    },
    {
      name: 'mongodb',
      versions: ['>=4.0.0 <8'],
      files: [
        { name: 'mongodb/lib/cmap/connection.js', versions: ['>=4.0.0 <6.4'] },
        { name: 'mongodb/lib/cmap/connection.js', versions: ['>=6.4.0 <8'] },
        { name: 'mongodb/lib/cmap/connection_pool.js', versions: ['>=4.0.0 <6.4'] },
        'mongodb/lib/cmap/connect.js',
        'mongodb/lib/sessions.js',
      ],
    },
  ],
  load: () => {
    const { MongoDBInstrumentation } =
      require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
    return new MongoDBInstrumentation({ enabled: false, requireParentSpan: true });
  },
};

/** Every contrib library, in the order of the README's table. */
export const CONTRIB_LIBRARIES: readonly ContribLibrary[] = [
  pgLibrary,
  ioredisLibrary,
  mysql2Library,
  nodeRedisLibrary,
  graphqlLibrary,
  grpcLibrary,
  awsSdkLibrary,
  mongodbLibrary,
];
