/**
 * The bench’s pure parts and its references: the settings keep a full run under 20 minutes and
 * a quick one under 3 on the default shapes and variants, the variant list is what the issue
 * compares, and the prom-client preload really times the service's requests (so its row is not
 * just the bare app). The decoders are tested in protocols/, the sink against the real agents in
 * sink.test.ts, the targets in targets.test.ts; `npm run bench -- --quick` is the end-to-end run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, startApp } from './appProcess.ts';
import { prepareBaseline } from './baseline.ts';
import { countInstructions, dumpTotal } from './instructions.ts';
import { startSink } from './sink.ts';
import { countedVariants, estimateDurationS, parseBenchConfig } from './config.ts';
import { SHAPE_IDS, shapes } from './shapes.ts';
import { baseEnv, DEFAULT_VARIANTS, variants, YARDSTICK_VARIANTS } from './variants.ts';

const ROOT = join(__dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

describe('the bench settings', () => {
  const ROOT_VARIANTS = variants(ROOT);
  // The yardsticks (baseline build, calibration) run on express only.
  const runsPerRound = SHAPE_IDS.length * DEFAULT_VARIANTS.length + YARDSTICK_VARIANTS.length;

  it('compare bare, Faultline on and off, every peer agent and the yardsticks by default', () => {
    const config = parseBenchConfig([], 'results.json');
    expect(config.shapes).toEqual(['express', 'fastify', 'express-db']);
    expect(config.variants.map((id) => ROOT_VARIANTS[id].role)).toEqual([
      'bare',
      'faultline',
      'faultline',
      'peer',
      'peer',
      'peer',
      'peer',
      'peer',
      'reference',
      'reference',
    ]);
    expect(config.variants.slice(-2)).toEqual(['faultline-baseline', 'calibration']);
    expect(config.variants.filter((id) => ROOT_VARIANTS[id].expressOnly)).toEqual(YARDSTICK_VARIANTS);
  });

  it('add bare to a chosen list of variants and reject unknown ones', () => {
    expect(parseBenchConfig(['--variant', 'dd-trace'], 'r.json').variants).toEqual(['bare', 'dd-trace']);
    expect(() => parseBenchConfig(['--shape', 'koa'], 'r.json')).toThrow('--shape koa is not accepted');
  });

  it('estimate a full run under 20 minutes and a quick one under 3', () => {
    const full = parseBenchConfig([], 'r.json');
    const quick = parseBenchConfig(['--quick'], 'r.json');
    const counted = (config: typeof full): number => countedVariants(config).length;
    expect(estimateDurationS(full, runsPerRound, SHAPE_IDS.length, counted(full))).toBeLessThan(20 * 60);
    expect(estimateDurationS(quick, runsPerRound, 0, counted(quick))).toBeLessThan(3 * 60);
  });
});

describe('the service shapes', () => {
  it.each(SHAPE_IDS)(
    '%s serves the loaded route and the route calling it once',
    async (id) => {
      const shape = shapes(ROOT)[id];
      const app = await startApp({
        node: NODE,
        script: shape.script,
        preload: [],
        env: { ...baseEnv(), ...shape.env },
        cpu: undefined,
        cwd: ROOT,
      });
      try {
        const direct = (await (await fetch(`${app.url}/users/7`)).json()) as Record<string, unknown>;
        const profile = (await (await fetch(`${app.url}/users/7/profile`)).json()) as Record<string, unknown>;
        expect(direct).toMatchObject({ id: '7', name: 'Ada' });
        expect(profile).toEqual({ profile: direct });
      } finally {
        await app.stop();
      }
    },
    20_000,
  );
});

describe('the prom-client only variant', () => {
  it('observes every request in a histogram by route template and serves it on its metrics port', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(
      NODE,
      [
        '--require',
        join(ROOT, 'bench', 'app', 'prom-client-only.cjs'),
        join(ROOT, 'bench', 'app', 'express-app.cjs'),
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', PORT: String(port), METRICS_PORT: String(metricsPort) },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        void exited.then(() => reject(new Error('the app exited before listening')));
      });
      for (let i = 0; i < 3; i += 1) await (await fetch(`http://127.0.0.1:${port}/users/${i}`)).arrayBuffer();
      await (await fetch(`http://127.0.0.1:${port}/nowhere`)).arrayBuffer();
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toContain(
        'http_request_duration_seconds_count{method="GET",route="/users/:id",status_code="200"} 3',
      );
      expect(metrics).toContain(
        'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1',
      );
      expect(metrics).toMatch(/^process_cpu_seconds_total /m);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('the yardsticks', () => {
  it('the calibration preload spends its configured time on every request before the app answers', async () => {
    const app = await startApp({
      node: NODE,
      script: shapes(ROOT).express.script,
      preload: variants(ROOT).calibration.preload,
      // 30 ms, so the lower bound on the answer's latency is far above anything else in it.
      env: { ...baseEnv(), BENCH_BUSY_US: '30000' },
      cpu: undefined,
      cwd: ROOT,
    });
    try {
      for (let i = 0; i < 3; i += 1) {
        const started = performance.now();
        expect(await (await fetch(`${app.url}/users/${i}`)).json()).toMatchObject({ id: String(i) });
        expect(performance.now() - started).toBeGreaterThanOrEqual(30);
      }
    } finally {
      await app.stop();
    }
  }, 20_000);

  it('the baseline build says why it cannot run when its commit is not in the checkout', () => {
    expect(prepareBaseline(ROOT, '0123456789abcdef0123456789abcdef01234567')).toEqual({
      status: 'unavailable',
      reason: "commit 0123456789abcdef0123456789abcdef01234567 is not in this checkout's history",
    });
  });
});

describe('the instruction counts', () => {
  it('read the total of a callgrind dump from its totals or summary line', () => {
    expect(
      dumpTotal('version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 1234567\n\nfn=(1) main\n'),
    ).toBe(1234567);
    expect(dumpTotal('events: Ir\nfn=(1) main\n0 12\ntotals: 42\n')).toBe(42);
    expect(dumpTotal('events: Ir\n')).toBeUndefined();
  });
});

describe('counting instructions under callgrind', () => {
  it('counts the bare app’s instructions per request over the requests it was asked for', async () => {
    const sink = await startSink();
    try {
      const result = await countInstructions({
        node: NODE,
        root: ROOT,
        shape: shapes(ROOT).express,
        variant: variants(ROOT).bare,
        sink,
        load: { path: '/users/42', warmupRequests: 100, requests: 200, connections: 2 },
      });
      expect(result).toMatchObject({ variant: 'bare', status: 'counted' });
      // An express request is hundreds of thousands of instructions: far from 0, far from a whole start-up.
      const perRequest = result.status === 'counted' ? result.perRequest : 0;
      expect(perRequest).toBeGreaterThan(50_000);
      expect(perRequest).toBeLessThan(5_000_000);
    } finally {
      await sink.close();
    }
  }, 180_000);
});
