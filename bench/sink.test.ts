/**
 * The sink decodes what each real agent sends it: every traced variant is started on the express
 * service against the sink, a few requests and one request making an outgoing call are sent,
 * and the spans per request counted from the sink must be what that agent makes. Faultline makes
 * exactly one span per request and three for the route calling itself once.
 */
import { join } from 'node:path';
import { startApp } from './appProcess.ts';
import { shapes } from './shapes.ts';
import { shapeOf, startSink, type Sink } from './sink.ts';
import { baseEnv, DEFAULT_VARIANTS, variants, type VariantId } from './variants.ts';

const ROOT = join(__dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const REQUESTS = 3;
const ROUTE = (path: string): boolean => /^\/users\/[^/]+$/.test(path);
const PROFILE = (path: string): boolean => /^\/users\/[^/]+\/profile$/.test(path);

const all = variants(ROOT);
const traced = DEFAULT_VARIANTS.filter((id) => all[id].traces !== undefined);

async function sample(sink: Sink, id: VariantId): Promise<ReturnType<typeof shapeOf>[]> {
  sink.reset();
  const variant = all[id];
  const app = await startApp({
    node: NODE,
    script: shapes(ROOT).express.script,
    preload: variant.preload,
    env: { ...baseEnv(), ...variant.env({ sinkUrl: sink.url, elasticsearchUrl: undefined }, 0) },
    cpu: undefined,
    cwd: ROOT,
  });
  try {
    for (let i = 0; i < REQUESTS; i += 1) await (await fetch(`${app.url}/users/${i}`)).arrayBuffer();
    await (await fetch(`${app.url}/users/9/profile`)).arrayBuffer();
  } finally {
    await app.stop();
  }
  await sink.settle();
  const bodies = sink.cut();
  return [shapeOf(bodies, ROUTE), shapeOf(bodies, PROFILE)];
}

describe('the sink, against each agent’s real payloads', () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(async () => sink.close());

  it.each(traced)(
    'counts the spans %s sends for each request',
    async (id) => {
      const [route, probe] = await sample(sink, id);
      expect(route).toMatchObject({ traces: REQUESTS, undecodable: 0 });
      expect(route!.spansPerTrace).toBeGreaterThanOrEqual(1);
      expect(probe!.traces).toBe(1);
      // The outgoing call adds at least its client span and the callee's server span.
      expect(probe!.spansPerTrace).toBeGreaterThanOrEqual(route!.spansPerTrace + 2);
      if (id === 'faultline') {
        expect(route!.spansPerTrace).toBe(1);
        expect(probe!.spansPerTrace).toBe(3);
      }
    },
    30_000,
  );
});
