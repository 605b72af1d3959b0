/**
 * The fixture standing in for the demo until it runs: the demo's services (two gateway
 * instances, order-service, payment-service, payment-provider) as HTTP servers on free
 * loopback ports, each serving catalogue metrics from its own `MetricsRegistry` at `/metrics`,
 * and the broker's own queue metrics on one more,
 * with {@link FixtureTraffic} advancing on a timer.
 */
import http from 'node:http';
import type net from 'node:net';
import { MetricsRegistry } from '../../../instrumentation/src/metrics/MetricsRegistry.ts';
import { FixtureTraffic, type FaultSchedule } from './fixtureTraffic.ts';

/** The running fixture. */
export interface FixtureServices {
  /** `host:port` of every service instance, for a scrape config. */
  readonly targets: readonly string[];
  readonly traffic: FixtureTraffic;
  stop(): Promise<void>;
}

/** Options of {@link startFixtureServices}. */
export interface FixtureOptions extends Partial<FaultSchedule> {
  /** Milliseconds between simulation ticks; default 100. */
  readonly tickMs?: number;
}

async function serveMetrics(render: () => Promise<string>): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    render().then(
      (body) =>
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Starts the fixture's services and their traffic. */
export async function startFixtureServices(options: FixtureOptions = {}): Promise<FixtureServices> {
  const registry = (service: string): MetricsRegistry =>
    new MetricsRegistry({ service, defaultMetrics: false });
  const registries = {
    gateway: [registry('gateway'), registry('gateway')],
    orderService: registry('order-service'),
    paymentService: registry('payment-service'),
    paymentProvider: registry('payment-provider'),
  };
  const traffic = new FixtureTraffic(registries, {
    faultPeriod: options.faultPeriod ?? 120,
    faultTicks: options.faultTicks ?? 40,
  });
  const all = [
    ...registries.gateway,
    registries.orderService,
    registries.paymentService,
    registries.paymentProvider,
  ];
  const servers = await Promise.all(
    [
      ...all.map((registry) => () => registry.render('prometheus')),
      // The broker's own endpoint, scraped like any target.
      () => Promise.resolve(traffic.brokerExposition()),
    ].map(serveMetrics),
  );
  traffic.step();
  const timer = setInterval(() => traffic.step(), options.tickMs ?? 100);
  return {
    targets: servers.map((server) => `127.0.0.1:${(server.address() as net.AddressInfo).port}`),
    traffic,
    async stop() {
      clearInterval(timer);
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
