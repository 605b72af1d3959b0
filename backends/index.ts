/**
 * The real backends Faultline's tests and demo run against, built once from pinned versions
 * (`versions.ts`) and started on free loopback ports: the OpenTelemetry Collector, Jaeger,
 * Elasticsearch, Prometheus, Alertmanager and Kafka; an S3-compatible object store (moto),
 * throwaway PostgreSQL clusters and a Redis replication group under Sentinel. Import from here; the rest is internal.
 */
export { BACKENDS, type BackendName } from './versions.ts';
export { ensureBuilt, ensureAllBuilt, isBuilt } from './build.ts';
export { cacheRoot, backendDir } from './cache.ts';
export {
  NotBuiltError,
  programPath,
  promtoolPath,
  amtoolPath,
  collectorPath,
  otlpProtoDir,
  COLLECTOR_CONFIG,
} from './binaries.ts';
export { ToolchainError } from './toolchain.ts';
export { freePort, freePortRange, freePorts } from './ports.ts';
export { answers, startBackend, type BackendProcess, type BackendSpec } from './process.ts';
export {
  startCollector,
  sendFailedSpan,
  validateCollectorConfig,
  collectorEnv,
  type RunningCollector,
  type CollectorOptions,
  type CollectorPorts,
} from './collector.ts';
export { startJaeger, type RunningJaeger, type JaegerPorts } from './jaeger.ts';
export { startElasticsearch, type RunningElasticsearch, type ElasticsearchOptions } from './elasticsearch.ts';
export { startKafka, type RunningKafka, type KafkaBroker, type KafkaOptions } from './kafka.ts';
export { startPrometheus, startAlertmanager, type RunningServer, type ServerOptions } from './prometheus.ts';
export { startObjectStore, type RunningObjectStore } from './objectStore.ts';
export { startFerretDb, type RunningFerretDb } from './ferretdb.ts';
export {
  startRedisSentinel,
  askMaster,
  redisCommand,
  type RunningRedisSentinel,
  type RedisSentinelOptions,
  type RedisAddress,
} from './redisSentinel.ts';
export {
  startPostgres,
  runPgProgram,
  postgresOwnedDir,
  acceptsQueries,
  asPostgres,
  PG_BIN,
  type RunningPostgres,
  type PostgresOptions,
} from './postgres.ts';
export {
  getTrace,
  tagValue,
  serviceOf,
  type JaegerTrace,
  type JaegerSpan,
  type JaegerTag,
} from './jaegerQuery.ts';
