/**
 * One test file's demo, as `npm run demo` starts it (child processes under the instrumentation
 * flag behind HAProxy) but on free ports and names of its own, without Prometheus or the load
 * generator: started before the file's tests and removed, with every trace of it, after them.
 */
import { isolatedDemo, removeIsolatedDemo, type IsolatedDemo } from '../../demo/isolation.ts';
import { startDemo, type DemoOptions, type RunningDemo } from '../../demo/startDemo.ts';
import { DEMO_START_TIMEOUT_MS } from '../../demo/waitUntil.ts';

/**
 * Registers the file's `beforeAll`/`afterAll` for a demo labelled `label` (with `options` added,
 * e.g. a replicated database); the returned function gives the running demo inside a test, and
 * throws if it did not start.
 */
export function isolatedDemoSuite(label: string, options: Partial<DemoOptions> = {}): () => RunningDemo {
  let isolation: IsolatedDemo | undefined;
  let demo: RunningDemo | undefined;
  beforeAll(async () => {
    isolation = await isolatedDemo(label);
    demo = await startDemo({
      ...isolation,
      observability: false,
      load: false,
      baseEnv: process.env,
      print: () => undefined,
      ...options,
    });
  }, DEMO_START_TIMEOUT_MS);
  afterAll(async () => {
    await demo?.stop();
    if (isolation) await removeIsolatedDemo(isolation);
  });
  return () => {
    if (!demo) throw new Error('demo did not start');
    return demo;
  };
}
