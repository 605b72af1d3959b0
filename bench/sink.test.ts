/**
 * The sink decodes what each real agent sends it: every traced variant is started on the express
 * service against the sink, a few requests and one request making an outgoing call are sent,
 * and the spans per request counted from the sink must be what that agent makes. Faultline makes
 * exactly one span per request and three for the route calling itself once. Every connection and
 * DNS lookup the agent makes meanwhile is logged (test/connectionLog.cjs): all must be loopback.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const logDir = mkdtempSync(join(tmpdir(), 'faultline-bench-connections-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

interface Sample {
  readonly route: ReturnType<typeof shapeOf>;
  readonly probe: ReturnType<typeof shapeOf>;
  /** `tcp|udp|dns host` lines, once each. */
  readonly connections: readonly string[];
}

async function sample(sink: Sink, id: VariantId): Promise<Sample> {
  sink.reset();
  const variant = all[id];
  const log = join(logDir, `${id}.log`);
  const app = await startApp({
    node: NODE,
    script: shapes(ROOT).express.script,
    preload: [
      { flag: '--require', module: join(__dirname, 'test', 'connectionLog.cjs') },
      ...variant.preload,
    ],
    env: {
      ...baseEnv(),
      ...variant.env({ sinkUrl: sink.url, elasticsearchUrl: undefined }, 0),
      CONNECTION_LOG: log,
    },
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
  const connections = [...new Set(readFileSync(log, 'utf8').trim().split('\n'))];
  return { route: shapeOf(bodies, ROUTE), probe: shapeOf(bodies, PROFILE), connections };
}

describe('the sink, against each agent’s real payloads', () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(async () => sink.close());

  it.each(traced)(
    'counts the spans %s sends for each request; every connection it makes is to loopback',
    async (id) => {
      const { route, probe, connections } = await sample(sink, id);
      expect(route).toMatchObject({ traces: REQUESTS, undecodable: 0 });
      expect(route.spansPerTrace).toBeGreaterThanOrEqual(1);
      expect(probe.traces).toBe(1);
      // The outgoing call adds at least its client span and the callee's server span.
      expect(probe.spansPerTrace).toBeGreaterThanOrEqual(route.spansPerTrace + 2);
      if (id === 'faultline') {
        expect(route.spansPerTrace).toBe(1);
        expect(probe.spansPerTrace).toBe(3);
      }
      expect(connections).toContain(`tcp ${new URL(sink.url).hostname}`);
      expect(connections.filter((line) => !LOOPBACK.has(line.split(' ')[1]!))).toEqual([]);
    },
    30_000,
  );
});
