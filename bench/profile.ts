/**
 * `node bench/profile.ts [variant] [seconds] [keep-dir] [--ship-logs]`: runs one variant of the bench service under the
 * bench's load with `--cpu-prof`, then prints where its CPU went: self time by package (Faultline,
 * OpenTelemetry, prom-client, express, winston, Node internals, GC) and the hottest functions.
 * Used to decide what to make lighter; not part of `npm run bench`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp } from './appProcess.ts';
import { measure } from './measure.ts';
import { startElasticsearchSink } from './esSink.ts';
import { startOtlpSink } from './sink.ts';
import { baseEnv, variants, type VariantId } from './variants.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const root = join(import.meta.dirname, '..');
const variantId = (process.argv[2] ?? 'faultline') as VariantId;
const seconds = Number(process.argv[3] ?? 10);
/** Keep the .cpuprofile here (for DevTools) instead of deleting it. */
const keepDir = process.argv[4]?.startsWith('--') ? undefined : process.argv[4];

/** The package (or runtime part) a call frame belongs to. */
function category(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.includes('/instrumentation/dist/')) return 'faultline';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!.startsWith('@opentelemetry/') ? `otel:${pkg[1]!.slice(15)}` : pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.split('/').slice(-2).join('/');
}

function summarise(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    total += us;
    const cat = category(frame.url, frame.functionName);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
    const key = `${frame.functionName || '(anonymous)'} ${cat}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  process.stdout.write(`\nbusy CPU ${(total / 1e6).toFixed(2)} s; self time by package:\n`);
  for (const [cat, us] of [...byCategory].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    process.stdout.write(`  ${pct(us)}  ${cat}\n`);
  }
  process.stdout.write('\nhottest functions (self time):\n');
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    process.stdout.write(`  ${pct(us)}  ${key}\n`);
  }
}

const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'faultline-profile-'));
const sink = await startOtlpSink();
// `--ship-logs`: also ship winston records to a local Elasticsearch stand-in.
const elasticsearch = process.argv.includes('--ship-logs') ? await startElasticsearchSink() : undefined;
try {
  const variant = variants(root)[variantId];
  const app = await startApp({
    node: process.execPath,
    script: join(root, 'bench', 'app', 'express-app.cjs'),
    preload: variant.preload,
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    env: {
      ...baseEnv(),
      ...variant.env({ otlpUrl: sink.url, elasticsearchUrl: elasticsearch?.url }, await freePort()),
    },
    cpu: undefined,
    cwd: root,
  });
  const m = await measure(app, { path: '/users/42', connections: 50, pipelining: 1, durationS: seconds }, 2);
  await app.stop();
  process.stdout.write(
    `${variant.label}: ${m.throughput.toFixed(0)} req/s, ${m.cpuUsPerRequest.toFixed(0)} µs CPU/request\n`,
  );
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('the app wrote no .cpuprofile');
  summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
} finally {
  await sink.close();
  await elasticsearch?.close();
  if (keepDir === undefined) rmSync(dir, { recursive: true, force: true });
}
