/**
 * The demo's trace pipeline, for real: Jaeger v2 and the OpenTelemetry Collector running the
 * project's collector/otel-collector.yaml, built once from their pinned versions (with visible
 * progress) and started before the services so they export to it. Where a part cannot be had
 * (no Go toolchain, a failed build), the demo starts without it and says which and why.
 */
import path from 'node:path';
import { ensureBuilt, startCollector, startJaeger } from '../../backends/index.ts';
import type { DemoPorts } from './ports.ts';

/** What the services and the console are pointed at; absent parts did not start. */
export interface TracePipeline {
  /** OTLP/HTTP endpoint for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly otlpEndpoint?: string;
  /** Jaeger's query API and UI. */
  readonly jaegerUrl?: string;
  /** `host:port` of the Collector's own metrics, for Prometheus. */
  readonly collectorMetricsTarget?: string;
}

/** What starting the pipeline needs from the demo. */
export interface TracePipelineInput {
  /** Directory for the backends' logs. */
  readonly logs: string;
  readonly ports: DemoPorts;
  readonly print: (line: string) => void;
  readonly stoppers: Array<() => Promise<void>>;
}

/**
 * Builds (first time only) and starts Jaeger, then the Collector forwarding to it. Every trace
 * is kept (sampling at 100%), so each order the console shows has its trace in Jaeger; the
 * committed default of 10% for traces that are neither failed nor slow is what the tests prove.
 */
export async function startTracePipeline(input: TracePipelineInput): Promise<TracePipeline> {
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
      `Traces are not exported in this run: ${(error as Error).message.split('\n')[0]} ` +
        `(logs in ${path.join(input.logs, 'jaeger.log')}, ${path.join(input.logs, 'otel-collector.log')})`,
    );
    return {};
  }
}
