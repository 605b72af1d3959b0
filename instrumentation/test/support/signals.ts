/**
 * What the fault-tolerance signal tests share: a fresh runtime whose log lines are captured, an
 * in-memory tracer provider with AsyncLocalStorage context and W3C propagation (until the
 * tracing core is wired into tests), readers of metric values, and polling with a deadline.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { parseConfig } from '../../src/config/parseConfig.ts';
import { createRuntime, setRuntime, type Runtime } from '../../src/runtime.ts';

/** A runtime for one test file, with its log lines parsed into `logs`. */
export interface TestRuntime {
  readonly runtime: Runtime;
  readonly logs: Record<string, unknown>[];
}

/** Installs a fresh runtime (service `test`) whose log lines are captured instead of printed. */
export function useFreshRuntime(): TestRuntime {
  const runtime = createRuntime(parseConfig({ OTEL_SERVICE_NAME: 'test' }, () => ''));
  const logs: Record<string, unknown>[] = [];
  runtime.log.setWriter((line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  setRuntime(runtime);
  return { runtime, logs };
}

/** The global tracing set up by {@link useInMemoryTracing}. */
export interface TestTracing {
  readonly exporter: InMemorySpanExporter;
  shutdown(): Promise<void>;
}

/** Registers a global tracer provider exporting to memory, the context manager and propagator. */
export function useInMemoryTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    exporter,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The value of the series of metric `name` with exactly `labels` (undefined when absent). */
export async function metricValue(
  runtime: Runtime,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = runtime.metrics.registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  const match = values.find((value) => {
    const own = value.labels as Record<string, string | number | undefined>;
    const ownCount = Object.values(own).filter((v) => v !== undefined).length;
    const sampleName = (value as { metricName?: string }).metricName;
    return (
      (sampleName === undefined || sampleName === name) &&
      ownCount === wanted.length &&
      wanted.every(([key, v]) => String(own[key]) === v)
    );
  });
  return match?.value;
}

/** Count and sum of the histogram `name` for exactly `labels`. */
export async function histogramValue(
  runtime: Runtime,
  name: string,
  labels: Record<string, string>,
): Promise<{ count: number; sum: number; buckets: Map<string, number> }> {
  const metric = runtime.metrics.registry.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  const wanted = Object.entries(labels);
  let count = 0;
  let sum = 0;
  const buckets = new Map<string, number>();
  for (const value of values) {
    const own = value.labels as Record<string, string | number | undefined>;
    if (!wanted.every(([key, v]) => String(own[key]) === v)) continue;
    const sampleName = (value as { metricName?: string }).metricName;
    if (sampleName === `${name}_count`) count = value.value;
    else if (sampleName === `${name}_sum`) sum = value.value;
    else if (sampleName === `${name}_bucket`) buckets.set(String(own.le), value.value);
  }
  return { count, sum, buckets };
}

/** Polls `check` until it returns something other than undefined, failing with `what` at the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
