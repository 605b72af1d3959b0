/**
 * The demo's trace and log pipeline, for real: Jaeger v2 and the OpenTelemetry Collector running
 * the project's collector/otel-collector.yaml, and Elasticsearch with Faultline's index template,
 * built or fetched once at their pinned versions (with visible progress) and started before the
 * services, which export to them. Where a part cannot be had (no Go toolchain or JDK 21, a failed
 * build), the demo starts without it and says which and why.
 */
import path from 'node:path';
import { ensureBuilt, startCollector, startElasticsearch, startJaeger } from '../../backends/index.ts';
import { installElasticsearchAssets } from '../../elasticsearch/setup.ts';
import type { DemoPorts } from './ports.ts';

/** What the services and the console are pointed at; absent parts did not start. */
export interface TracePipeline {
  /** OTLP/HTTP endpoint for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly otlpEndpoint?: string;
  /** Jaeger's query API and UI. */
  readonly jaegerUrl?: string;
  /** `host:port` of the Collector's own metrics, for Prometheus. */
  readonly collectorMetricsTarget?: string;
  /** Elasticsearch, for `FAULTLINE_ELASTICSEARCH_URL`. */
  readonly elasticsearchUrl?: string;
}

/** What starting the pipeline needs from the demo. */
export interface TracePipelineInput {
  /** Directory for the backends' logs. */
  readonly logs: string;
  /** Directory for Elasticsearch's data. */
  readonly state: string;
  readonly ports: DemoPorts;
  readonly print: (line: string) => void;
  readonly stoppers: Array<() => Promise<void>>;
}

function firstLine(error: unknown): string {
  return (error as Error).message.split('\n')[0] ?? String(error);
}

/**
 * Builds (first time only) and starts Jaeger, then the Collector forwarding to it. Every trace
 * is kept (sampling at 100%), so each order the console shows has its trace in Jaeger; the
 * committed default of 10% for traces that are neither failed nor slow is what the tests prove.
 */
async function startTraces(input: TracePipelineInput): Promise<TracePipeline> {
  const { ports, print, stoppers } = input;
  try {
    await ensureBuilt('collector', print);
    await ensureBuilt('jaeger', print);
    const jaeger = await startJaeger({ dir: input.logs, ports: { query: ports.jaeger } });
    stoppers.push(() => jaeger.stop());
    const collector = await startCollector({
      jaegerOtlpEndpoint: jaeger.otlpGrpcEndpoint,
      dir: input.logs,
      ports: { http: ports.otlpHttp },
      samplingPercentage: 100,
    });
    stoppers.push(() => collector.stop());
    return {
      otlpEndpoint: collector.otlpHttpUrl,
      jaegerUrl: jaeger.queryUrl,
      collectorMetricsTarget: new URL(collector.metricsUrl).host,
    };
  } catch (error) {
    print(
      `Traces are not exported in this run: ${firstLine(error)} ` +
        `(logs in ${path.join(input.logs, 'jaeger.log')}, ${path.join(input.logs, 'otel-collector.log')})`,
    );
    return {};
  }
}

/**
 * Fetches (first time only) and starts Elasticsearch's integration-test distribution with the
 * index template as that distribution takes it (no ILM there: `distribution: 'core'`).
 */
async function startLogs(input: TracePipelineInput): Promise<TracePipeline> {
  const dir = path.join(input.state, 'elasticsearch');
  try {
    await ensureBuilt('elasticsearch', input.print);
    const elasticsearch = await startElasticsearch({ dir, port: input.ports.elasticsearch });
    input.stoppers.push(() => elasticsearch.stop());
    await installElasticsearchAssets(elasticsearch.url, { distribution: 'core' });
    return { elasticsearchUrl: elasticsearch.url };
  } catch (error) {
    input.print(`Logs are not shipped in this run: ${firstLine(error)} (log in ${dir}/elasticsearch.log)`);
    return {};
  }
}

/** Starts the trace and the log backends side by side; each part that fails is left out. */
export async function startTracePipeline(input: TracePipelineInput): Promise<TracePipeline> {
  const [traces, logs] = await Promise.all([startTraces(input), startLogs(input)]);
  return { ...traces, ...logs };
}
