/**
 * From a latency chart's exemplar to the trace: a real Prometheus with exemplar storage scrapes a
 * fixture serving the gateway's request-duration histogram in OpenMetrics with a `trace_id`
 * exemplar; the console's latency chart (the Service overview panel's own queries) returns that
 * exemplar with a link to the console's trace page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { startPrometheus, type RunningServer } from '../../backends/index.ts';
import { freePort } from '../shared/freePorts.ts';
import { startTestConsole, type TestConsole } from './console-support/harness.ts';
import { waitFor } from './console-support/waitFor.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const NAME = 'http_server_request_duration_seconds';

let fixture: Server;
let prometheus: RunningServer;
let demo: TestConsole;
let scrapes = 0;

function openMetrics(): string {
  scrapes += 1;
  const labels = 'service="gateway",http_route="/api/orders"';
  const now = (Date.now() / 1000).toFixed(3);
  return [
    `# TYPE ${NAME} histogram`,
    `${NAME}_bucket{${labels},le="0.1"} ${scrapes} # {trace_id="${TRACE_ID}"} 0.042 ${now}`,
    `${NAME}_bucket{${labels},le="+Inf"} ${scrapes}`,
    `${NAME}_count{${labels}} ${scrapes}`,
    `${NAME}_sum{${labels}} ${(scrapes * 0.042).toFixed(3)}`,
    '# EOF',
    '',
  ].join('\n');
}

beforeAll(async () => {
  fixture = createServer((_req, res) => {
    res.setHeader('content-type', 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    res.end(openMetrics());
  });
  await new Promise<void>((resolve) => fixture.listen(0, '127.0.0.1', () => resolve()));
  const target = `127.0.0.1:${(fixture.address() as AddressInfo).port}`;
  const scrape = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [
      { job_name: 'faultline-services', honor_labels: true, static_configs: [{ targets: [target] }] },
    ],
  };
  prometheus = await startPrometheus({
    files: { 'prometheus.yml': stringify(scrape) },
    args: ['--enable-feature=exemplar-storage'],
  });
  const dead = `http://127.0.0.1:${await freePort()}`;
  demo = await startTestConsole({
    prometheusUrl: prometheus.url,
    alertmanagerUrl: dead,
    gatewayUrl: dead,
    demoMode: false,
    traces: { jaegerQueryUrl: dead },
  });
});

afterAll(async () => {
  await demo?.close();
  await prometheus?.stop();
  await new Promise((resolve) => fixture?.close(resolve));
});

test('the latency chart carries the exemplars Prometheus stored, each linking to its trace page', async () => {
  type Chart = { exemplars: { traceId: string; href?: string; series: string; value: number }[] };
  const chart = async () =>
    (await (await fetch(`${demo.url}/api/charts/gateway-latency?minutes=5`)).json()) as Chart;
  const found = await waitFor(
    async () => {
      const { exemplars } = await chart();
      return exemplars.length > 0 ? exemplars : undefined;
    },
    async () => `an exemplar on the latency chart: ${JSON.stringify(await chart())}`,
    30_000,
    500,
  );
  expect(found[0]).toMatchObject({
    traceId: TRACE_ID,
    href: `/traces/${TRACE_ID}`,
    series: 'p50 gateway',
    value: 0.042,
  });
});
