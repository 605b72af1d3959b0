/**
 * `startDemo`: the whole local demo as one function returning handles and `stop()`, so
 * `npm run demo`, tests and a later console start it the same way. Services run as child
 * processes instrumented only through `--import @faultline/instrumentation/register`; Redis and
 * RabbitMQ are reached through local TCP proxies that chaos can cut.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { createPool } from '../shared/db.ts';
import { listen, type RunningServer } from '../shared/httpServer.ts';
import { startTcpProxy, type CuttableLink, type TcpProxy } from '../shared/tcpProxy.ts';
import { demoChaos } from '../console/demoChaos.ts';
import { startConsole } from '../console/server.ts';
import { createControlApp, type ControlTargets } from './controlServer.ts';
import { startDemoBus, type DemoBus, type RunningDemoBus } from './demoBus.ts';
import { renderHaproxyConfig } from './haproxyConfig.ts';
import { ManagedProcess } from './managedProcess.ts';
import { startDemoRedis, type DemoRedis } from './redisSentinelDemo.ts';
import { startDemoDatabase, type DemoDatabase } from './replicatedDatabase.ts';
import { DEFAULT_PORTS, type DemoPorts } from './ports.ts';
import { startObservability, type PrometheusBuild } from './observability.ts';
import { provisionMachine } from './provisioning.ts';
import { startTracePipeline } from './tracePipeline.ts';
import { BINARIES, checkPrerequisites } from './prerequisites.ts';
import { waitForReady } from './waitUntil.ts';

/** Options of {@link startDemo}; everything has the documented default. */
export interface DemoOptions {
  /** Repository root (default: the working directory). */
  root?: string;
  databaseUrl?: string;
  redisUrl?: string;
  amqpUrl?: string;
  /** The order flow's event bus (default RabbitMQ); on Kafka the demo starts its own broker. */
  bus?: DemoBus;
  ports?: Partial<DemoPorts>;
  /** Start Prometheus, Alertmanager and the PagerDuty sink (default true). */
  observability?: boolean;
  /**
   * Which Prometheus and Alertmanager: Debian's (default: they serve their web UIs) or the
   * versions docker-compose.yml ships, built by `backends/` (API only; what the tests query).
   */
  prometheusBuild?: PrometheusBuild;
  /** Serve the demo console with its fault controls on `ports.console` (default false). */
  console?: boolean;
  /**
   * A Grafana serving the dashboards (`http://host:3000`), which the alerts' and the console's
   * dashboard links then open. Default none: they open the console's previews (`/d/<uid>`).
   */
  grafanaUrl?: string;
  /** Start the load generator (default true) at this rate. */
  load?: boolean;
  loadRatePerSecond?: number;
  /** OTLP endpoint for traces (the caller's own receiver or Collector). */
  otlpEndpoint?: string;
  /**
   * Start Jaeger, the Collector and Elasticsearch (building or fetching them the first time) and
   * export traces and ship logs to them
   * (default false; ignored when `otlpEndpoint` is given). Without either, traces are off.
   */
  tracePipeline?: boolean;
  /**
   * Run the orders database as a primary, a synchronous replica and a failover supervisor of the
   * demo's own instead of `databaseUrl` (replicatedDatabase.ts; `npm run chaos -- db-failover`).
   */
  replicatedDatabase?: boolean;
  /**
   * Run Redis as a master, a replica and three Sentinels of the demo's own instead of `redisUrl`
   * (redisSentinelDemo.ts; `npm run chaos -- redis-master-down`).
   */
  redisSentinel?: boolean;
  /** Install and start what the machine lacks first, through scripts/provision.sh (default false). */
  provision?: boolean;
  /** Where configs, data and logs go (default `<root>/.demo`). */
  stateDir?: string;
  /** Prefix of queue, exchange and Redis key names (default none: the documented names). */
  namePrefix?: string;
  /** Environment the children inherit (PATH...); scripts pass `process.env`. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Progress and notices (default: console.log). */
  print?: (line: string) => void;
}

/** A running demo. */
export interface RunningDemo {
  readonly urls: Record<string, string>;
  readonly processes: ManagedProcess[];
  /** The demo's cuttable path to Redis (under Sentinel: to every node at once). */
  readonly redisProxy: CuttableLink;
  readonly amqpProxy: TcpProxy;
  /** The bus the order flow runs on (on Kafka, with the demo's broker). */
  readonly bus: RunningDemoBus;
  /** What the control channel and the console's chaos act on (`demoChaos(chaosTargets)`). */
  readonly chaosTargets: ControlTargets;
  readonly pool: pg.Pool;
  /** Each service instance's metrics endpoint (`http://127.0.0.1:<port>/metrics`), by instance name. */
  readonly metricsUrls: Readonly<Record<string, string>>;
  /** The replicated database, when the demo runs one. */
  readonly database?: DemoDatabase;
  /** The Redis Sentinel group, when the demo runs one. */
  readonly redis?: DemoRedis;
  /** Stops everything, in reverse order of start. */
  stop(): Promise<void>;
}

function proxyTarget(url: string, fallbackPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || fallbackPort) };
}

function throughProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

/** The machine's Redis behind a cuttable proxy of the demo's own, and the services' REDIS_URL to it. */
async function proxiedRedis(redisUrl: string): Promise<Pick<DemoRedis, 'link' | 'env'>> {
  const proxy = await startTcpProxy(proxyTarget(redisUrl, 6379));
  return { link: proxy, env: { REDIS_URL: throughProxy(redisUrl, proxy.port) } };
}

/** Starts the demo; rejects with a PrerequisiteError naming everything missing. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const root = path.resolve(options.root ?? '.');
  const print = options.print ?? ((line: string) => console.log(line));
  const ports: DemoPorts = { ...DEFAULT_PORTS, ...options.ports };
  const observability = options.observability ?? true;
  const baseEnv = options.baseEnv ?? {};
  const databaseUrl = options.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/faultline';
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const amqpUrl = options.amqpUrl ?? 'amqp://guest:guest@127.0.0.1:5672';
  const tracePipeline = (options.tracePipeline ?? false) && !options.otlpEndpoint;
  if (options.provision) await provisionMachine(root, print);
  const nodePorts = [
    ...(tracePipeline ? [ports.jaeger, ports.otlpHttp, ports.elasticsearch] : []),
    ports.loadBalancer,
    ...ports.gateways,
    ports.orderService,
    ...ports.paymentServices,
    ports.paymentProvider,
    ports.control,
    ...(options.console ? [ports.console] : []),
  ];
  const busKind = options.bus?.kind ?? 'rabbitmq';
  await checkPrerequisites({
    databaseUrl,
    redisUrl,
    ...(busKind === 'rabbitmq' ? { amqpUrl } : {}),
    binaries: [
      'haproxy',
      ...(observability && (options.prometheusBuild ?? 'debian') === 'debian'
        ? (['prometheus', 'alertmanager'] as const)
        : []),
      ...(options.redisSentinel ? (['redis-sentinel'] as const) : []),
    ],
    ports: observability
      ? [...nodePorts, ports.prometheus, ports.alertmanager, ports.pagerDutySink]
      : nodePorts,
  });

  const state = path.resolve(options.stateDir ?? path.join(root, '.demo'));
  await mkdir(path.join(state, 'logs'), { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
  };

  try {
    const redis = options.redisSentinel ? await startDemoRedis(print) : undefined;
    const { link: redisProxy, env: redisEnv } = redis ?? (await proxiedRedis(redisUrl));
    const amqpProxy = await startTcpProxy(proxyTarget(amqpUrl, 5672));
    stoppers.push(
      () => (redis ? redis.stop() : redisProxy.close()),
      () => amqpProxy.close(),
    );

    const pipeline = tracePipeline
      ? await startTracePipeline({ logs: path.join(state, 'logs'), state, ports, print, stoppers })
      : {};
    const otlpEndpoint = options.otlpEndpoint ?? pipeline.otlpEndpoint;
    const bus = await startDemoBus(options.bus ?? { kind: 'rabbitmq' }, {
      amqpUrl: throughProxy(amqpUrl, amqpProxy.port),
      amqpProxy,
      ...(options.namePrefix ? { namePrefix: options.namePrefix } : {}),
      state,
      print,
      stoppers,
    });

    const processes: ManagedProcess[] = [];
    let metricsPort = ports.metricsBase;
    const metricsTargets: string[] = [];
    const metricsUrls: Record<string, string> = {};
    const database = options.replicatedDatabase
      ? await startDemoDatabase({ database: 'faultline', metricsPort: metricsPort++, print })
      : undefined;
    if (database) {
      stoppers.push(() => database.stop());
      metricsTargets.push(database.metricsTarget);
    }
    const backendEnv = {
      DATABASE_URL: database?.url ?? databaseUrl,
      ...redisEnv,
      ...bus.serviceEnv,
      ...(options.namePrefix ? { REDIS_KEY_PREFIX: `${options.namePrefix}faultline:` } : {}),
    };
    const service = (name: string, script: string, env: Record<string, string>) => {
      const port = metricsPort++;
      metricsTargets.push(`127.0.0.1:${port}`);
      metricsUrls[name] = `http://127.0.0.1:${port}/metrics`;
      const instance = new ManagedProcess({
        name,
        command: process.execPath,
        args: [
          '--import',
          '@faultline/instrumentation/register',
          path.join(root, 'demo-services', script, 'main.ts'),
        ],
        env: {
          ...baseEnv,
          ...env,
          OTEL_SERVICE_NAME: script,
          FAULTLINE_METRICS_PORT: String(port),
          ...(otlpEndpoint
            ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint }
            : { OTEL_TRACES_EXPORTER: 'none' }),
          ...(pipeline.elasticsearchUrl ? { FAULTLINE_ELASTICSEARCH_URL: pipeline.elasticsearchUrl } : {}),
        },
        logFile: path.join(state, 'logs', `${name}.log`),
        cwd: root,
      });
      processes.push(instance);
      instance.start();
      return instance;
    };
    stoppers.push(async () => {
      await Promise.all(processes.map((p) => p.stop()));
    });

    const providerUrl = `http://127.0.0.1:${ports.paymentProvider}`;
    const orderServiceUrl = `http://127.0.0.1:${ports.orderService}`;
    service('payment-provider', 'payment-provider', { PORT: String(ports.paymentProvider) });
    service('order-service', 'order-service', { ...backendEnv, PORT: String(ports.orderService) });
    await waitForReady(`${orderServiceUrl}/readyz`, 'order-service', state);
    ports.paymentServices.forEach((port, i) =>
      service(`payment-service-${i + 1}`, 'payment-service', {
        ...backendEnv,
        PORT: String(port),
        PAYMENT_PROVIDER_URL: providerUrl,
      }),
    );
    ports.gateways.forEach((port, i) =>
      service(`gateway-${i + 1}`, 'gateway', { PORT: String(port), ORDER_SERVICE_URL: orderServiceUrl }),
    );
    await Promise.all([
      waitForReady(`${providerUrl}/healthz`, 'payment-provider', state),
      ...ports.gateways.map((port, i) =>
        waitForReady(`http://127.0.0.1:${port}/readyz`, `gateway-${i + 1}`, state),
      ),
      ...ports.paymentServices.map((port, i) =>
        waitForReady(`http://127.0.0.1:${port}/readyz`, `payment-service-${i + 1}`, state),
      ),
    ]);

    const haproxyCfg = path.join(state, 'haproxy.cfg');
    await writeFile(haproxyCfg, renderHaproxyConfig(ports.loadBalancer, ports.gateways));
    const haproxy = new ManagedProcess({
      name: 'haproxy',
      command: BINARIES.haproxy.path,
      args: ['-f', haproxyCfg, '-db'],
      env: baseEnv,
      logFile: path.join(state, 'logs', 'haproxy.log'),
    });
    haproxy.start();
    stoppers.push(() => haproxy.stop());
    const lbUrl = `http://127.0.0.1:${ports.loadBalancer}`;
    await waitForReady(`${lbUrl}/readyz`, 'haproxy', state);

    const urls: Record<string, string> = {
      api: lbUrl,
      'payment-provider admin': `${providerUrl}/admin/faults`,
      control: `http://127.0.0.1:${ports.control}/status`,
      logs: path.join(state, 'logs'),
      ...bus.urls,
      ...(pipeline.jaegerUrl ? { 'jaeger (query API)': `${pipeline.jaegerUrl}/api/services` } : {}),
      ...(pipeline.elasticsearchUrl
        ? { 'elasticsearch (logs)': `${pipeline.elasticsearchUrl}/logs-faultline-default/_search` }
        : {}),
    };
    // Before Prometheus, so its metrics port is among the scrape targets.
    if (options.load ?? true) {
      service('load-generator', 'load-generator', {
        TARGET_URL: lbUrl,
        RATE_PER_SECOND: String(options.loadRatePerSecond ?? 4),
      });
    }

    // The backup scheduler (docs/disaster-recovery.md), to a folder of the demo's state, so the
    // Backups row and BackupTooOld have a real source.
    const backupMetricsPort = metricsPort++;
    metricsTargets.push(`127.0.0.1:${backupMetricsPort}`);
    const backups = new ManagedProcess({
      name: 'backup-scheduler',
      command: process.execPath,
      args: [
        '--import',
        path.join(root, 'dashboards', 'scripts', 'catalogue-hooks.ts'),
        path.join(root, 'scripts', 'backup.ts'),
        ...['--every', '300', '--metrics-port', String(backupMetricsPort)],
      ],
      env: {
        ...baseEnv,
        DATABASE_URL: database?.dumpUrl ?? databaseUrl,
        FAULTLINE_BACKUP_DIR: path.join(state, 'backups'),
      },
      logFile: path.join(state, 'logs', 'backup-scheduler.log'),
      cwd: root,
    });
    processes.push(backups);
    backups.start();

    if (observability)
      await startObservability({
        root,
        state,
        ports,
        metricsTargets,
        // On Kafka, the machine's RabbitMQ (other demos' queues) is none of this demo's business.
        ...(bus.kind === 'rabbitmq' ? { amqpUrl } : {}),
        build: options.prometheusBuild ?? 'debian',
        ...(pipeline.collectorMetricsTarget ? { collectorTarget: pipeline.collectorMetricsTarget } : {}),
        ...(options.console ? { consoleUrl: `http://127.0.0.1:${ports.console}` } : {}),
        ...(options.grafanaUrl ? { grafanaUrl: options.grafanaUrl } : {}),
        print,
        stoppers,
        urls,
        baseEnv,
      });

    const chaosTargets: ControlTargets = {
      providerUrl,
      redisProxy,
      amqpProxy,
      processes,
      bus: bus.chaos(ports.paymentServices.map((port) => `http://127.0.0.1:${port}`)),
      ...(database ? { database } : {}),
      ...(redis ? { redis } : {}),
    };
    const control: RunningServer = await listen(createControlApp(chaosTargets), ports.control, '127.0.0.1');
    stoppers.push(() => control.close());
    const controlFile = path.join(state, 'control.json');
    await writeFile(controlFile, JSON.stringify({ url: `http://127.0.0.1:${control.port}` }));
    stoppers.push(() => rm(controlFile, { force: true }));

    if (options.console) {
      const consoleServer = await startConsole({
        config: {
          port: ports.console,
          host: '127.0.0.1',
          gatewayUrl: lbUrl,
          orderServiceUrl,
          prometheusUrl: `http://127.0.0.1:${ports.prometheus}`,
          alertmanagerUrl: `http://127.0.0.1:${ports.alertmanager}`,
          ...(observability ? { pagerSinkUrl: `http://127.0.0.1:${ports.pagerDutySink}` } : {}),
          runbookBaseUrl: `http://127.0.0.1:${ports.console}/runbooks`,
          grafanaUrl: options.grafanaUrl ?? `http://127.0.0.1:${ports.console}`,
          ...(pipeline.jaegerUrl ? { jaegerQueryUrl: pipeline.jaegerUrl } : {}),
          ...(pipeline.elasticsearchUrl ? { elasticsearchUrl: pipeline.elasticsearchUrl } : {}),
          demoMode: true,
        },
        chaos: demoChaos(chaosTargets),
        dir: path.join(root, 'demo-services', 'console'),
      });
      stoppers.push(() => consoleServer.close());
      urls.console = consoleServer.url;
    }

    const pool = createPool(database?.url ?? databaseUrl, 2);
    stoppers.push(() => pool.end());
    return {
      urls,
      processes,
      redisProxy,
      amqpProxy,
      bus,
      chaosTargets,
      pool,
      metricsUrls,
      ...(database ? { database } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
