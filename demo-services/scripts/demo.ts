/**
 * `npm run demo`: starts the whole stack on this machine, prints where to look and live
 * progress, and stops everything on Ctrl-C. PostgreSQL, Redis and RabbitMQ default to
 * 127.0.0.1 and are overridable with DATABASE_URL, REDIS_URL and AMQP_URL.
 */
import { startDemo } from '../demo/startDemo.ts';
import { PrerequisiteError } from '../demo/prerequisites.ts';
import { formatProgress, readProgress } from '../demo/progress.ts';

const env = process.env;
let demo;
try {
  demo = await startDemo({
    baseEnv: env,
    console: true,
    provision: true,
    tracePipeline: true,
    // A primary, a synchronous replica and the failover supervisor of its own, unless told where.
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { replicatedDatabase: true }),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : { redisSentinel: true }),
    ...(env.AMQP_URL ? { amqpUrl: env.AMQP_URL } : {}),
    ...(env.GRAFANA_URL ? { grafanaUrl: env.GRAFANA_URL } : {}),
    ...(env.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    ...(env.LOAD_RATE_PER_SECOND ? { loadRatePerSecond: Number(env.LOAD_RATE_PER_SECOND) } : {}),
  });
} catch (error) {
  console.error(
    error instanceof PrerequisiteError ? error.message : `Demo failed to start: ${(error as Error).message}`,
  );
  process.exit(1);
}

console.log('\nFaultline demo is running:');
for (const [name, url] of Object.entries(demo.urls)) console.log(`  ${name.padEnd(24)} ${url}`);
console.log(
  '\nInject faults from another terminal: npm run chaos -- provider-down | provider-slow | provider-errors 0.5 | kill gateway | redis-down | redis-master-down | broker-down | db-failover | reset',
);
console.log('Press Ctrl-C to stop.\n');

const running = demo;
const timer = setInterval(async () => {
  const line = formatProgress(await readProgress(running.pool));
  const down = running.processes.filter((p) => !p.running).map((p) => p.spec.name);
  const cut = [running.redisProxy.isDown ? 'redis' : '', running.amqpProxy.isDown ? 'broker' : ''].filter(
    Boolean,
  );
  const notes = [
    ...(down.length ? [`stopped: ${down.join(', ')}`] : []),
    ...(cut.length ? [`cut: ${cut.join(', ')}`] : []),
  ];
  console.log(
    `[${new Date().toISOString().slice(11, 19)}] ${line}${notes.length ? ` | ${notes.join(' | ')}` : ''}`,
  );
}, 2000);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    console.log('\nStopping the demo...');
    void running.stop().then(() => {
      console.log('Stopped.');
      process.exit(0);
    });
  });
}
