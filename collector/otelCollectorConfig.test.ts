import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateCollectorConfig, type CollectorConfig } from './validateCollectorConfig.ts';

const configPath = join(__dirname, 'otel-collector.yaml');

type Section = Record<string, Record<string, unknown>>;

/** The parts of the file these tests read; the validator checks the rest. */
interface FaultlineCollectorConfig {
  receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
  processors: Section & { tail_sampling: { policies: Record<string, unknown>[] } };
  exporters: Section;
  extensions: Section;
  service: {
    pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
    telemetry: { metrics: Record<string, unknown> };
  };
}

function loadConfig(): FaultlineCollectorConfig {
  return parse(readFileSync(configPath, 'utf8')) as FaultlineCollectorConfig;
}

/** A deep copy of the real configuration with one change applied. */
function mutated(change: (config: FaultlineCollectorConfig) => void): CollectorConfig {
  const config = structuredClone(loadConfig());
  change(config);
  return config as unknown as CollectorConfig;
}

describe('collector/otel-collector.yaml', () => {
  it('passes every structural check: component keys, distribution, references, processor order', () => {
    expect(validateCollectorConfig(loadConfig() as unknown as CollectorConfig)).toEqual([]);
  });

  it('receives OTLP over gRPC on 4317 and HTTP on 4318 on all interfaces', () => {
    const { receivers } = loadConfig();
    expect(receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
  });

  it('keeps every error trace and every trace slower than 500 ms, and samples 10% of the rest', () => {
    const policies = loadConfig().processors.tail_sampling.policies;
    expect(policies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'status_code', status_code: { status_codes: ['ERROR'] } }),
        expect.objectContaining({ type: 'latency', latency: { threshold_ms: 500 } }),
        expect.objectContaining({ type: 'probabilistic', probabilistic: { sampling_percentage: 10 } }),
      ]),
    );
  });

  it('exports traces to Jaeger over OTLP/gRPC without TLS inside the compose network', () => {
    const config = loadConfig();
    expect(config.exporters['otlp/jaeger']).toMatchObject({
      endpoint: 'jaeger:4317',
      tls: { insecure: true },
    });
    expect(config.service.pipelines.traces?.exporters).toEqual(['otlp/jaeger']);
  });

  it('serves its health on 13133 and its own metrics for Prometheus on 8888', () => {
    const config = loadConfig();
    expect(config.extensions.health_check?.endpoint).toBe('0.0.0.0:13133');
    expect(config.service.telemetry.metrics.readers).toEqual([
      { pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } },
    ]);
  });
});

describe('validateCollectorConfig rejects what the Collector would reject', () => {
  it('a misspelt key in a component', () => {
    const config = mutated((c) => {
      c.processors.memory_limiter!.check_intervl = '1s';
    });
    expect(validateCollectorConfig(config)).toContainEqual(
      expect.stringContaining(
        'processors.memory_limiter: must NOT have additional properties (check_intervl)',
      ),
    );
  });

  it('a misspelt key deep inside a tail sampling policy', () => {
    const config = mutated((c) => {
      c.processors.tail_sampling.policies[1]!.latency = { threshold: 500 };
    });
    expect(validateCollectorConfig(config).join('\n')).toMatch(/tail_sampling\/policies\/1\/latency/);
  });

  it('the removed service.telemetry.metrics.address key', () => {
    const config = mutated((c) => {
      c.service.telemetry.metrics.address = '0.0.0.0:8888';
    });
    expect(validateCollectorConfig(config)).toContainEqual(expect.stringContaining('(address)'));
  });

  it('a pipeline reference to an undefined component', () => {
    const config = mutated((c) => {
      c.service.pipelines.traces!.exporters = ['otlp/tempo'];
    });
    expect(validateCollectorConfig(config)).toContainEqual(
      'service.pipelines.traces.exporters: "otlp/tempo" is not defined',
    );
  });

  it('memory_limiter anywhere but first, or batch anywhere but last', () => {
    const config = mutated((c) => {
      c.service.pipelines.traces!.processors = ['tail_sampling', 'batch', 'memory_limiter'];
    });
    expect(validateCollectorConfig(config)).toEqual(
      expect.arrayContaining([
        'service.pipelines.traces: memory_limiter must come first',
        'service.pipelines.traces: batch must come last',
      ]),
    );
  });

  it('a component type the pinned distribution does not contain', () => {
    const config = mutated((c) => {
      c.exporters.jaeger = { endpoint: 'jaeger:14250' };
      c.service.pipelines.traces!.exporters.push('jaeger');
    });
    expect(validateCollectorConfig(config)).toContainEqual(
      'exporters.jaeger: type "jaeger" is not in the pinned Collector distribution',
    );
  });

  it('a component defined but used by no pipeline', () => {
    const config = mutated((c) => {
      c.exporters.otlphttp = { endpoint: 'http://jaeger:4318' };
    });
    expect(validateCollectorConfig(config)).toContainEqual(expect.stringContaining('exporters.otlphttp'));
  });
});
