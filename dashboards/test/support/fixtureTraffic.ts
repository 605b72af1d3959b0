/**
 * Simulated traffic of the demo's services on catalogue metrics, one tick at a time: orders
 * through the gateway, order-service publishing to `orders.created`, payment-service consuming
 * it and charging payment-provider through a circuit breaker and a retry policy. For the first
 * `faultTicks` of every `faultPeriod` ticks the provider fails (the injected fault), so the
 * breaker opens, retries pile up, messages are dead-lettered and the gateway answers 5xx.
 */
import type { LabelValues } from 'prom-client';
import type { MetricsRegistry } from '../../../instrumentation/src/metrics/MetricsRegistry.ts';
import { monitoring } from '../../src/config.ts';

/** The registries of the simulated services, by service name (instances share a name). */
export interface FixtureRegistries {
  readonly gateway: readonly MetricsRegistry[];
  readonly orderService: MetricsRegistry;
  readonly paymentService: MetricsRegistry;
  readonly paymentProvider: MetricsRegistry;
}

/** When the injected fault happens, in ticks. */
export interface FaultSchedule {
  readonly faultPeriod: number;
  readonly faultTicks: number;
}
const QUEUE = 'orders.created';
const DLQ = 'orders.created.dlq';
const RABBITMQ = { messaging_system: 'rabbitmq' } as const;

/** A small deterministic PRNG (mulberry32), so a run's data does not depend on luck. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function traceId(random: () => number): string {
  return Array.from({ length: 4 }, () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
}

function serve(
  registry: MetricsRegistry,
  random: () => number,
  labels: { route: string; method: string; status: number },
  seconds: number,
): void {
  type Labels = LabelValues<'http_route' | 'http_request_method' | 'http_response_status_code'>;
  registry.histogram('httpServerDuration').observe({
    labels: {
      http_route: labels.route,
      http_request_method: labels.method,
      http_response_status_code: labels.status,
    },
    value: seconds,
    // prom-client types exemplar labels as the metric's own; the exemplar's label is trace_id.
    exemplarLabels: { trace_id: traceId(random) } as Labels,
  });
}

function call(registry: MetricsRegistry, peer: string, status: number, seconds: number): void {
  registry.histogram('httpClientDuration').observe({
    labels: { http_request_method: 'POST', server_address: peer, http_response_status_code: status },
    value: seconds,
  });
}

/** The simulated world: breaker state and queue backlog carry over from tick to tick. */
export class FixtureTraffic {
  readonly #registries: FixtureRegistries;
  readonly #schedule: FaultSchedule;
  readonly #random = randomSource(42);
  #tick = 0;
  #breaker: 'closed' | 'open' | 'half_open' = 'closed';
  #openedAt = 0;
  #backlog = 0;
  #deadLetters = 0;
  #lastBackupAt = 0;

  constructor(registries: FixtureRegistries, schedule: FaultSchedule = { faultPeriod: 120, faultTicks: 40 }) {
    this.#registries = registries;
    this.#schedule = schedule;
    this.#setBreaker('closed');
    for (const registry of this.#allRegistries()) this.#initTelemetry(registry);
  }

  /** Whether the provider is failing at the current tick. */
  get faulty(): boolean {
    return this.#tick % this.#schedule.faultPeriod < this.#schedule.faultTicks;
  }

  /** Advances the simulation by one tick (a few requests and messages). */
  step(): void {
    this.#tick += 1;
    for (let i = 0; i < 4; i += 1) this.#order();
    this.#consume();
    this.#breakerTimers();
    this.#kafkaGroup();
    for (const registry of this.#allRegistries()) this.#telemetry(registry);
    this.#backups();
    this.#sagas();
  }

  // The order saga's orchestrator, in payment-service: every order starts a saga; a share is
  // compensated, a few aborted; during a fault the sagas waiting for the provider get stuck.
  #sagas(): void {
    const registry = this.#registries.paymentService;
    const saga = { saga: 'order_fulfilment' };
    registry.counter('sagaStarted').inc(saga, 4);
    registry.counter('sagaCompleted').inc(saga, this.faulty ? 0 : 3);
    registry.counter('sagaCompensated').inc(saga, this.#tick % 3 === 0 ? 1 : 0);
    registry.counter('sagaAborted').inc(saga, this.#tick % 11 === 0 ? 1 : 0);
    registry.gauge('sagaStuck').set(saga, this.faulty ? 2 : 0);
  }

  // A backup scheduler's report, here from order-service's registry: one backup every 10 ticks.
  #backups(): void {
    const registry = this.#registries.orderService;
    const database = { database: 'faultline' };
    if (this.#tick % 10 === 1) {
      this.#lastBackupAt = Date.now();
      registry.counter('backupRuns').inc({ ...database, outcome: 'success' });
      registry.counter('backupRuns').inc({ ...database, outcome: 'failure' }, 0);
    }
    registry.gauge('backupLastSuccess').set(database, this.#lastBackupAt / 1000);
    registry.gauge('backupAge').set(database, (Date.now() - this.#lastBackupAt) / 1000);
    // A failover supervisor's report: one streaming replica, lagging a little.
    registry.gauge('dbReplicas').set({}, 1);
    registry.gauge('dbReplicationLagBytes').set({ replica: 'replica1' }, 1024 * (this.#tick % 7));
    registry.gauge('dbReplicationLagSeconds').set({ replica: 'replica1' }, 0.01 * (this.#tick % 7));
    if (this.#tick === 1) registry.counter('dbPromotions').inc({}, 0);
  }

  #allRegistries(): MetricsRegistry[] {
    const { gateway, orderService, paymentService, paymentProvider } = this.#registries;
    return [...gateway, orderService, paymentService, paymentProvider];
  }

  #order(): void {
    const random = this.#random;
    const gateway = this.#registries.gateway[Math.floor(random() * this.#registries.gateway.length)];
    if (!gateway) return;
    const create = random() < 0.5;
    const failing = this.faulty && create && random() < 0.3;
    const status = failing ? 503 : create ? 201 : random() < 0.1 ? 404 : 200;
    const seconds = 0.01 + random() * (failing ? 1.5 : 0.2);
    serve(
      gateway,
      random,
      { route: create ? '/api/orders' : '/api/orders/:id', method: create ? 'POST' : 'GET', status },
      seconds,
    );
    call(gateway, 'order-service', failing ? 503 : status, seconds * 0.8);
    serve(
      this.#registries.orderService,
      random,
      {
        route: create ? '/orders' : '/orders/:id',
        method: create ? 'POST' : 'GET',
        status: failing ? 503 : status,
      },
      seconds * 0.7,
    );
    if (!create) {
      const outcome = this.faulty && random() < 0.1 ? 'degraded' : random() < 0.7 ? 'hit' : 'miss';
      this.#registries.orderService.counter('cacheRequests').inc({ cache: 'orders', outcome });
      // A Redis failover behind Sentinel at the start of each fault.
      const failover = this.faulty && this.#tick % this.#schedule.faultPeriod === 0 ? 1 : 0;
      this.#registries.orderService.counter('cacheFailovers').inc({ cache: 'orders' }, failover);
    }
    if (create && !failing) {
      this.#registries.orderService
        .counter('messagingSent')
        .inc({ ...RABBITMQ, messaging_destination_name: QUEUE });
      this.#backlog += 1;
    }
  }

  #consume(): void {
    const payment = this.#registries.paymentService;
    const random = this.#random;
    const capacity = this.faulty ? 1 : 4;
    for (let i = 0; i < capacity && this.#backlog > 0; i += 1) {
      this.#backlog -= 1;
      const queue = { ...RABBITMQ, messaging_destination_name: QUEUE };
      payment.counter('messagingConsumed').inc(queue);
      payment
        .histogram('messagingLag')
        .observe({ labels: queue, value: 0.02 + random() * (this.faulty ? 20 : 0.5) });
      const charged = this.#charge();
      const outcome = charged ? 'ack' : random() < 0.5 ? 'requeue' : 'dead_letter';
      if (outcome === 'requeue') this.#backlog += 1;
      if (outcome === 'dead_letter') {
        this.#deadLetters += 1;
        payment.counter('messagingSent').inc({ ...RABBITMQ, messaging_destination_name: DLQ });
      }
      payment
        .histogram('messagingProcessDuration')
        .observe({ labels: { ...queue, outcome }, value: 0.01 + random() * 0.3 });
    }
  }

  // One charge: a retry policy around calls through the breaker to payment-provider.
  #charge(): boolean {
    const payment = this.#registries.paymentService;
    const random = this.#random;
    const breaker = { breaker: 'payment-provider' };
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      let ok: boolean;
      if (this.#breaker === 'open') {
        payment.counter('breakerCalls').inc({ ...breaker, outcome: 'rejected' });
        payment.counter('breakerFallbacks').inc(breaker);
        ok = false;
      } else {
        ok = !(this.faulty && random() < 0.8);
        const outcome = ok ? 'success' : random() < 0.3 ? 'timeout' : 'failure';
        payment.counter('breakerCalls').inc({ ...breaker, outcome });
        call(payment, 'payment-provider', ok ? 200 : outcome === 'timeout' ? 0 : 503, 0.02 + random() * 0.1);
        serve(
          this.#registries.paymentProvider,
          random,
          { route: '/charges', method: 'POST', status: ok ? 200 : 503 },
          0.02,
        );
        this.#breakerOutcome(ok);
      }
      const operation = { operation: 'charge' };
      if (ok) {
        payment.counter('retryAttempts').inc({ ...operation, outcome: 'success' });
        return true;
      }
      if (attempt === 3) {
        payment.counter('retryAttempts').inc({ ...operation, outcome: 'exhausted' });
        return false;
      }
      payment.counter('retryAttempts').inc({ ...operation, outcome: 'retry' });
      payment
        .histogram('retryBackoff')
        .observe({ labels: operation, value: 0.1 * 2 ** (attempt - 1) * (0.5 + random()) });
    }
    return false;
  }

  #breakerOutcome(ok: boolean): void {
    if (this.#breaker === 'half_open') this.#setBreaker(ok ? 'closed' : 'open');
    else if (!ok && this.#breaker === 'closed' && this.#random() < 0.3) this.#setBreaker('open');
  }

  #breakerTimers(): void {
    if (this.#breaker === 'open' && this.#tick - this.#openedAt >= 10) this.#setBreaker('half_open');
  }

  #setBreaker(state: 'closed' | 'open' | 'half_open'): void {
    const payment = this.#registries.paymentService;
    const breaker = 'payment-provider';
    if (state !== this.#breaker) payment.counter('breakerTransitions').inc({ breaker, to: state });
    this.#breaker = state;
    if (state === 'open') this.#openedAt = this.#tick;
    for (const s of ['closed', 'open', 'half_open']) {
      payment.gauge('breakerState').set({ breaker, state: s }, s === state ? 1 : 0);
    }
  }

  /**
   * The broker's own view of the queues, as RabbitMQ's
   * `/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count` answers it
   * (the series the shared config's `queueMetrics` names): a broker's exposition, not a
   * Faultline service's, so it is written here rather than by a catalogue registry.
   */
  brokerExposition(): string {
    const { ready, unacked, consumers, queueLabel } = monitoring.queueMetrics;
    const queues = [
      { name: QUEUE, ready: this.#backlog, unacked: Math.min(this.#backlog, 2), consumers: 2 },
      { name: DLQ, ready: this.#deadLetters, unacked: 0, consumers: 0 },
    ];
    const gauge = (metric: string, value: (q: (typeof queues)[number]) => number): string[] => [
      `# TYPE ${metric} gauge`,
      ...queues.map((q) => `${metric}{vhost="/",${queueLabel}="${q.name}"} ${value(q)}`),
    ];
    return `${[
      ...gauge(ready, (q) => q.ready),
      ...gauge(unacked, (q) => q.unacked),
      ...gauge(consumers, (q) => q.consumers),
    ].join('\n')}\n`;
  }

  // A Kafka consumer group of payment-service on orders.created, as the consumer-group monitor in
  // order-service reports it from the brokers; the consumers count rebalances and bad headers.
  #kafkaGroup(): void {
    const reporter = this.#registries.orderService;
    const consumer = this.#registries.paymentService;
    const group = 'payment-service';
    const random = this.#random;
    consumer
      .counter('messagingInvalidTraceContext')
      .inc({ messaging_system: 'kafka', messaging_destination_name: QUEUE }, 0);
    reporter
      .counter('kafkaMonitorFailures')
      .inc({ reason: 'unreachable' }, this.faulty && random() < 0.1 ? 1 : 0);
    for (const partition of ['0', '1']) {
      const labels = { group, topic: QUEUE, partition };
      const lag = this.#backlog + Math.floor(random() * 3);
      reporter.gauge('kafkaConsumerGroupLag').set(labels, lag);
      reporter.gauge('kafkaConsumerGroupLagSeconds').set(labels, lag * 0.5);
      reporter.gauge('kafkaConsumerGroupOffset').set(labels, this.#tick * 2);
    }
    reporter.gauge('kafkaConsumerGroupMembers').set({ group }, 2);
    const rebalancing = this.#tick % 50 === 1;
    consumer.counter('kafkaRebalances').inc({ group }, rebalancing ? 1 : 0);
    if (rebalancing)
      consumer.histogram('kafkaRebalanceDuration').observe({ labels: { group }, value: 0.2 + random() });
  }

  #initTelemetry(registry: MetricsRegistry): void {
    for (const signal of ['traces', 'logs']) {
      registry.gauge('telemetryQueueCapacity').set({ signal }, 2048);
    }
  }

  #telemetry(registry: MetricsRegistry): void {
    const random = this.#random;
    for (const signal of ['traces', 'logs']) {
      registry.counter('telemetryExported').inc({ signal }, 5 + Math.floor(random() * 10));
      const queued =
        this.faulty && signal === 'logs' ? 1500 + Math.floor(random() * 548) : Math.floor(random() * 50);
      registry.gauge('telemetryQueueSize').set({ signal }, queued);
      if (this.faulty && signal === 'logs') {
        registry
          .counter('telemetryDropped')
          .inc({ signal, reason: random() < 0.7 ? 'queue_full' : 'export_failed' });
        registry.counter('telemetryExportFailures').inc({ signal });
      }
    }
  }
}
