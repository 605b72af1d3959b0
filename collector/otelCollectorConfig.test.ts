/**
 * collector/otel-collector.yaml, checked by the Collector itself: the binary built from
 * collector/builder-config.yaml validates it (`otelcol validate`) as docker-compose.yml runs it
 * and as the tests and demo run it on loopback, and rejects the mistakes a hand-written schema
 * used to catch. What it does with traces is proven by the end-to-end test against Jaeger.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { COLLECTOR_CONFIG, collectorEnv, validateCollectorConfig } from '../backends/index.ts';

type Section = Record<string, Record<string, unknown>>;

/** The parts of the file these tests read; the Collector checks the rest. */
interface FaultlineCollectorConfig {
  receivers: Section;
  processors: Section & { tail_sampling: { policies: Record<string, unknown>[] } };
  exporters: Section;
  extensions: Section;
  service: {
    pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
    telemetry: { metrics: Record<string, unknown> };
  };
}

async function loadConfig(): Promise<FaultlineCollectorConfig> {
  return parse(await readFile(COLLECTOR_CONFIG, 'utf8')) as FaultlineCollectorConfig;
}

const loopback = collectorEnv({
  grpc: 14317,
  http: 14318,
  health: 13133,
  metrics: 18888,
  jaegerOtlpEndpoint: '127.0.0.1:24317',
});

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'faultline-collector-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Validates the real file with one change applied; resolves with the Collector's complaint. */
async function validateMutated(
  change: (config: FaultlineCollectorConfig) => void,
): Promise<string | undefined> {
  const config = await loadConfig();
  change(config);
  const file = join(scratch, `mutated-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, stringify(config));
  return validateCollectorConfig(file, loopback);
}

describe('collector/otel-collector.yaml, validated by the Collector built from the committed manifest', () => {
  it('is accepted with the defaults docker-compose.yml runs it with', async () => {
    expect(await validateCollectorConfig()).toBeUndefined();
  });

  it('is accepted with the loopback ports the tests and the demo give it', async () => {
    expect(await validateCollectorConfig(COLLECTOR_CONFIG, loopback)).toBeUndefined();
  });

  it('is rejected with a misspelt key in a component', async () => {
    const complaint = await validateMutated((c) => {
      c.processors.memory_limiter!.check_intervl = '1s';
    });
    expect(complaint).toMatch(/check_intervl/);
  });

  it('is rejected with a misspelt key deep inside a tail sampling policy', async () => {
    const complaint = await validateMutated((c) => {
      c.processors.tail_sampling.policies[1]!.latency = { threshold: 500 };
    });
    expect(complaint).toMatch(/threshold/);
  });

  it('is rejected with a pipeline reference to an undefined component', async () => {
    const complaint = await validateMutated((c) => {
      c.service.pipelines.traces!.exporters = ['otlp/tempo'];
    });
    expect(complaint).toMatch(/otlp\/tempo/);
  });

  it('is rejected with a component type the build does not contain', async () => {
    const complaint = await validateMutated((c) => {
      c.exporters.zipkin = { endpoint: 'http://127.0.0.1:9411' };
      c.service.pipelines.traces!.exporters.push('zipkin');
    });
    expect(complaint).toMatch(/zipkin/);
  });
});

describe("collector/otel-collector.yaml's policies (the Collector accepts any order; these are the design)", () => {
  it('keeps every error trace and every trace slower than 500 ms, and samples 10% of the rest by default', async () => {
    const policies = (await loadConfig()).processors.tail_sampling.policies;
    expect(policies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'status_code', status_code: { status_codes: ['ERROR'] } }),
        expect.objectContaining({ type: 'latency', latency: { threshold_ms: 500 } }),
        expect.objectContaining({
          type: 'probabilistic',
          probabilistic: { sampling_percentage: '${env:COLLECTOR_SAMPLING_PERCENTAGE:-10}' },
        }),
      ]),
    );
  });

  it('refuses data first (memory_limiter) and batches last, in every pipeline', async () => {
    for (const pipeline of Object.values((await loadConfig()).service.pipelines)) {
      expect(pipeline.processors[0]).toBe('memory_limiter');
      expect(pipeline.processors.at(-1)).toBe('batch');
    }
  });

  it('exports to Jaeger over OTLP/gRPC, by default at the compose host name without TLS', async () => {
    const config = await loadConfig();
    expect(config.exporters['otlp/jaeger']).toMatchObject({
      endpoint: '${env:JAEGER_OTLP_ENDPOINT:-jaeger:4317}',
      tls: { insecure: true },
    });
    expect(config.service.pipelines.traces?.exporters).toEqual(['otlp/jaeger']);
  });
});
