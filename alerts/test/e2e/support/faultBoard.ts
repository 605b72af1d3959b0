/**
 * Deterministic stand-ins for the demo's services, for the scrape-layout test: each instance
 * serves catalogue metrics (its own `MetricsRegistry`, so `service` is the app's label) at
 * `/metrics`, and a ticker advances its counters as the fault switched on says: payment-service
 * through a real breaker and retry policy and the instrumentation's adapters
 * (`instrumentedPayment.ts`), the others by setting the registry's series directly. Every fault the
 * demo injects has a switch here, each on its own service or queue, so all can be on together
 * and each alert is told apart by its labels.
 */
import http from 'node:http';
import type net from 'node:net';
import { MetricsRegistry } from '../../../../instrumentation/src/metrics/MetricsRegistry.ts';
import { instrumentedPayment } from './instrumentedPayment.ts';

/** The demo's faults, as the alerts see them. */
export type Fault =
  | 'breaker-open'
  | 'target-down'
  | 'error-burn'
  | 'queue-no-consumer'
  | 'consumer-lag'
  | 'dead-letters'
  | 'retry-storm'
  | 'telemetry-drops';

/** One scraped instance. */
export interface BoardInstance {
  readonly service: string;
  readonly address: string;
}

/** The running board. */
export interface FaultBoard {
  readonly instances: readonly BoardInstance[];
  /** Switches every fault on (they are off at start: a healthy system). */
  injectAll(): Promise<void>;
  stop(): Promise<void>;
}

const RABBITMQ = { messaging_system: 'rabbitmq' } as const;
/** Queues of the worker service, one per queue fault. */
export const QUEUES = { noConsumer: 'jobs.idle', lag: 'jobs.slow', deadLetters: 'jobs.poison' } as const;
/** The broker's own endpoint, scraped like any target. */
export const BROKER_SERVICE = 'rabbitmq';
/** The service that is stopped for `target-down`. */
export const DOWN_SERVICE = 'inventory-service';

type Registries = Record<'gateway' | 'payment' | 'order' | 'worker' | 'inventory', MetricsRegistry>;

function tickGateway(r: MetricsRegistry, faulty: boolean): void {
  const observe = (status: number) =>
    r.histogram('httpServerDuration').observe({
      labels: { http_route: '/api/orders', http_request_method: 'POST', http_response_status_code: status },
      value: 0.05,
    });
  for (let i = 0; i < 4; i += 1) observe(201);
  if (faulty) for (let i = 0; i < 4; i += 1) observe(503);
}

function tickOrder(r: MetricsRegistry, faulty: boolean): void {
  r.counter('telemetryExported').inc({ signal: 'traces' }, 10);
  if (faulty) r.counter('telemetryDropped').inc({ signal: 'traces', reason: 'queue_full' }, 5);
}

function tickWorker(r: MetricsRegistry, faulty: boolean): void {
  const queue = (name: string) => ({ ...RABBITMQ, messaging_destination_name: name });
  for (const name of Object.values(QUEUES)) {
    const idle = faulty && name === QUEUES.noConsumer;
    if (idle) continue;
    r.counter('messagingConsumed').inc(queue(name), 2);
    const lag = faulty && name === QUEUES.lag ? 200 : 0.05;
    r.histogram('messagingLag').observe({ labels: queue(name), value: lag });
    r.histogram('messagingLag').observe({ labels: queue(name), value: lag });
    const outcome = faulty && name === QUEUES.deadLetters ? 'dead_letter' : 'ack';
    r.histogram('messagingProcessDuration').observe({ labels: { ...queue(name), outcome }, value: 0.01 });
  }
}

function tickInventory(r: MetricsRegistry): void {
  r.counter('telemetryExported').inc({ signal: 'logs' }, 3);
}

/**
 * What RabbitMQ's `/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count`
 * answers for the worker's queues: the broker's view, which does not depend on the consumers.
 */
function brokerExposition(faulty: boolean): string {
  const lines = ['# TYPE rabbitmq_detailed_queue_messages_ready gauge'];
  for (const name of Object.values(QUEUES)) {
    const idle = faulty && name === QUEUES.noConsumer;
    lines.push(`rabbitmq_detailed_queue_messages_ready{vhost="/",queue="${name}"} ${idle ? 25 : 0}`);
  }
  lines.push('# TYPE rabbitmq_detailed_queue_consumers gauge');
  for (const name of Object.values(QUEUES)) {
    const idle = faulty && name === QUEUES.noConsumer;
    lines.push(`rabbitmq_detailed_queue_consumers{vhost="/",queue="${name}"} ${idle ? 0 : 1}`);
  }
  return `${lines.join('\n')}\n`;
}

async function serve(render: () => Promise<string>): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (!request.url?.startsWith('/metrics')) {
      response.writeHead(404).end();
      return;
    }
    render().then(
      (body) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts the board healthy; counters advance every `tickMs` (default 250). */
export async function startFaultBoard(tickMs = 250): Promise<FaultBoard> {
  const registry = (service: string) => new MetricsRegistry({ service, defaultMetrics: false });
  const r: Registries = {
    gateway: registry('gateway'),
    payment: registry('payment-service'),
    order: registry('order-service'),
    worker: registry('worker'),
    inventory: registry(DOWN_SERVICE),
  };
  const payment = instrumentedPayment(r.payment);
  let faulty = false;
  const tick = () => {
    tickGateway(r.gateway, faulty);
    void payment.charge(2, faulty);
    tickOrder(r.order, faulty);
    tickWorker(r.worker, faulty);
    tickInventory(r.inventory);
  };
  tick();
  const timer = setInterval(tick, tickMs);
  const renders = [
    ...Object.values(r).map((registry) => () => registry.render('prometheus')),
    () => Promise.resolve(brokerExposition(faulty)),
  ];
  const servers = await Promise.all(renders.map(serve));
  const instances = servers.map((server, i) => ({
    service: ['gateway', 'payment-service', 'order-service', 'worker', DOWN_SERVICE, BROKER_SERVICE][i] ?? '',
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
  }));
  const down = servers[4];
  let stopped = false;
  return {
    instances,
    async injectAll() {
      faulty = true;
      if (down && !stopped) {
        stopped = true;
        await close(down);
      }
    },
    async stop() {
      clearInterval(timer);
      payment.stop();
      await Promise.all(servers.filter((s) => s !== down || !stopped).map(close));
    },
  };
}
