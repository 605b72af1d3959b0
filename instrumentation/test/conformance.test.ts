/**
 * Differential conformance: the scenario app (testing/conformance/app.cjs) runs under the
 * official OpenTelemetry SDK (the oracle: sdk-node with instrumentation-http and -express) and
 * under Faultline, both exporting to the strict OTLP receiver; the decoded spans and resources
 * are compared field by field, and so are the series of the HTTP duration histograms each serves
 * in Prometheus format. A difference passes only if testing/conformance/allowedDifferences.ts
 * lists it with its reason, and every listed difference must still occur.
 */
import { join } from 'node:path';
import { startOtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import type { NormalisedSpan } from '../../testing/receivers/otlp/normaliseSpans.ts';
import { ALLOWED_DIFFERENCES } from '../../testing/conformance/allowedDifferences.ts';
import { canonicalResource, canonicalSpans } from '../../testing/conformance/canonicalSpans.ts';
import { compareRecords, compareSpans, type Difference } from '../../testing/conformance/compareRuns.ts';
import {
  HTTP_HISTOGRAMS,
  compareHistogram,
  histogramSeries,
} from '../../testing/conformance/metricSeries.ts';
import { ROOT, freePort, runApp } from './support/runApp.ts';

const CONFORMANCE = join(ROOT, 'testing', 'conformance');
/** A port nothing listens on (bound and released once), the same for both runs. */
let closedPort = 0;
beforeAll(async () => {
  closedPort = await freePort();
});
type Implementation = 'faultline' | 'sdk';

interface Run {
  readonly spans: readonly NormalisedSpan[];
  readonly port: number;
  /** The Prometheus exposition scraped after the requests. */
  readonly metrics: string;
}

/** Runs the app under one implementation, drives `requests`, stops it (flushing) and returns what arrived. */
async function run(
  implementation: Implementation,
  requests: readonly { path: string; method?: string }[],
  env: Record<string, string> = {},
): Promise<Run> {
  const receiver = await startOtlpTraceReceiver();
  try {
    const app = await runApp({
      script: join(CONFORMANCE, 'app.cjs'),
      flag: '--require',
      ...(implementation === 'sdk' ? { register: join(CONFORMANCE, 'sdkRegister.cjs') } : {}),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_SERVICE_NAME: 'conformance',
        CLOSED_PORT: String(closedPort),
        ...env,
      },
    });
    for (const { path, method } of requests) {
      await fetch(`${app.url}${path}`, {
        method: method ?? 'GET',
        headers: { 'user-agent': 'conformance-driver/1' },
      });
    }
    const metrics = await app.metrics();
    await app.stop('SIGTERM');
    expect(receiver.rejections()).toEqual([]);
    return { spans: receiver.spans(), port: Number(new URL(app.url).port), metrics };
  } finally {
    await receiver.close();
  }
}

/** Differences no entry of the allowed list explains, and entries nothing matched. */
function unexplained(differences: readonly Difference[]): { differences: Difference[]; unused: string[] } {
  const used = new Set<number>();
  const left = differences.filter((difference) => {
    const index = ALLOWED_DIFFERENCES.findIndex(
      (allowed) => allowed.span.test(difference.span) && allowed.field.test(difference.field),
    );
    if (index >= 0) used.add(index);
    return index < 0;
  });
  return {
    differences: left,
    unused: ALLOWED_DIFFERENCES.filter((allowed, i) => !used.has(i) && allowed.sometimes !== true).map(
      (allowed) => allowed.reason.slice(0, 80),
    ),
  };
}

const SCENARIO = [
  { path: '/items/42' },
  { path: '/fail' },
  { path: '/not-found' },
  { path: '/unavailable' },
  { path: '/search?q=shoes&sig=s3cret&page=2' },
  { path: '/no-such-route' },
  { path: '/any', method: 'PURGE' },
  { path: '/any', method: 'delete' },
  { path: '/outgoing' },
  { path: '/manual' },
];

describe('Faultline against the OpenTelemetry SDK, on the same scenario app', () => {
  let all: Difference[] = [];

  beforeAll(async () => {
    const [ours, sdk] = [await run('faultline', SCENARIO), await run('sdk', SCENARIO)];
    all = [
      ...compareSpans(canonicalSpans(ours.spans, ours.port), canonicalSpans(sdk.spans, sdk.port)),
      ...compareRecords(
        'resource',
        'resource.',
        canonicalResource(ours.spans, ours.port),
        canonicalResource(sdk.spans, sdk.port),
      ),
      ...HTTP_HISTOGRAMS.flatMap((names) =>
        compareHistogram(
          names.faultline,
          histogramSeries(ours.metrics, names.faultline, ours.port),
          histogramSeries(sdk.metrics, names.sdk, sdk.port),
        ),
      ),
    ];
  }, 120_000);

  it('reports its differences when asked (CONFORMANCE_REPORT=1)', () => {
    if (process.env.CONFORMANCE_REPORT) process.stdout.write(`${JSON.stringify(all, null, 1)}\n`);
    expect(all.length).toBeGreaterThan(0);
  });

  it('exports spans and a resource that differ from the SDK’s only as the allowed differences list says', () => {
    expect(unexplained(all)).toEqual({ differences: [], unused: [] });
  });

  it.each(['0.25', '0.75'])(
    'keeps exactly the traces the SDK keeps with traceidratio %s',
    async (ratio) => {
      const env = { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio };
      const names = async (implementation: Implementation) =>
        (await run(implementation, [{ path: '/sampling' }], env)).spans
          .map((span) => span.name)
          .filter((name) => name.startsWith('sample.'))
          .sort();
      const [ours, sdk] = [await names('faultline'), await names('sdk')];
      // Neither all nor none: the ratio decides.
      expect(sdk.length).toBeGreaterThan(0);
      expect(sdk.length).toBeLessThan(64);
      expect(ours).toEqual(sdk);
    },
    60_000,
  );
});
