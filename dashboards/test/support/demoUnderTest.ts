/**
 * The real demo (`startDemo`: instrumented services behind HAProxy, Prometheus scraping them
 * every 5 s, Alertmanager) on free ports and names of its own, exporting traces to a strict
 * OTLP receiver whose answers a fault scenario can turn into errors. `stop()` removes
 * everything it created: processes, database, queues and exchanges, Redis keys, state dir.
 */
import { demoChaos } from '../../../demo-services/console/demoChaos.ts';
import type { ChaosControl } from '../../../demo-services/console/faults.ts';
import type { DemoBus } from '../../../demo-services/demo/demoBus.ts';
import { isolatedDemo, removeIsolatedDemo } from '../../../demo-services/demo/isolation.ts';
import { startDemo, type RunningDemo } from '../../../demo-services/demo/startDemo.ts';
import { topology, type Topology } from '../../../demo-services/shared/topology.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../../testing/index.ts';

/** Options of {@link startDemoUnderTest}. */
export interface DemoUnderTestOptions {
  /** Orders per second of the demo's load generator (default 8). */
  readonly loadRatePerSecond?: number;
  /** The order flow's bus (default RabbitMQ). */
  readonly bus?: DemoBus;
  /** Environment of the demo's processes (PATH...); tests and scripts pass `process.env`. */
  readonly baseEnv: NodeJS.ProcessEnv;
  /** Progress of the demo (default: none). */
  readonly print?: (line: string) => void;
}

/** A running demo with its handles. */
export interface DemoUnderTest {
  readonly prometheusUrl: string;
  /** The demo's prefixed RabbitMQ names. */
  readonly names: Topology;
  /** Faults as the demo console injects them. */
  readonly chaos: ChaosControl;
  /** Where the services export their spans; `setMode('error')` makes exports fail. */
  readonly traces: OtlpTraceReceiver;
  /** How many processes Prometheus scrapes in job `faultline-services`. */
  readonly scrapedProcesses: number;
  /** Stops the demo and removes everything it created; never throws. */
  stop(): Promise<void>;
}

/**
 * Starts the demo with its load generator on, on free ports, with a database, queue names and
 * Redis keys of its own. If starting fails, what was started is removed before rethrowing.
 */
export async function startDemoUnderTest(options: DemoUnderTestOptions): Promise<DemoUnderTest> {
  const isolation = await isolatedDemo('dashboards');
  const { ports } = isolation;
  const names = topology(isolation.namePrefix);
  let traces: OtlpTraceReceiver | undefined;
  let demo: RunningDemo | undefined;
  const stop = async (): Promise<void> => {
    await Promise.resolve(demo?.stop()).catch(() => undefined);
    await Promise.resolve(traces?.close()).catch(() => undefined);
    await removeIsolatedDemo(isolation);
  };
  try {
    traces = await startOtlpTraceReceiver();
    demo = await startDemo({
      ...isolation,
      otlpEndpoint: traces.url,
      prometheusBuild: 'pinned',
      load: true,
      loadRatePerSecond: options.loadRatePerSecond ?? 8,
      ...(options.bus ? { bus: options.bus } : {}),
      baseEnv: options.baseEnv,
      print: options.print ?? (() => undefined),
    });
    const chaos = demoChaos(demo.chaosTargets);
    // Every node process the demo supervises serves metrics; HAProxy does not.
    const scrapedProcesses = demo.processes.length;
    return {
      prometheusUrl: `http://127.0.0.1:${ports.prometheus}`,
      names,
      chaos,
      traces,
      scrapedProcesses,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
