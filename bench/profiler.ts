/**
 * One variant of one bench service under the bench's load with `--cpu-prof`, summarised as self
 * time by package (Faultline, OpenTelemetry, express, winston, Node internals, GC) and the
 * hottest functions. Used by `node bench/profile.ts` and by `npm run bench` on the shapes where
 * Faultline misses a target, so the README can say where the time went.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp } from './appProcess.ts';
import { measure, type Load } from './measure.ts';
import type { Shape, ShapeId } from './shapes.ts';
import { baseEnv, type Backends, type Variant, type VariantId } from './variants.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A share of the busy CPU time. */
export interface Share {
  readonly name: string;
  /** Fraction of the busy (non-idle) samples, 0..1. */
  readonly share: number;
}

/** Where one profiled run's CPU went. */
export interface ProfileSummary {
  readonly shape: ShapeId;
  readonly variant: VariantId;
  readonly throughput: number;
  readonly cpuUsPerRequest: number;
  readonly busySeconds: number;
  readonly byPackage: readonly Share[];
  readonly hottest: readonly Share[];
}

/** What to profile, and how. */
export interface ProfileOptions {
  readonly root: string;
  readonly shape: Shape;
  readonly variant: Variant;
  readonly backends: Backends;
  readonly load: Load;
  readonly warmupS: number;
  readonly cpu: string | undefined;
  /** Keep the .cpuprofile here (for DevTools) instead of a temporary directory. */
  readonly keepDir?: string;
}

/** The package (or runtime part) a call frame belongs to. */
export function category(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.includes('/instrumentation/dist/')) return 'faultline';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!.startsWith('@opentelemetry/') ? `otel:${pkg[1]!.slice(15)}` : pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.split('/').slice(-2).join('/');
}

function top(map: Map<string, number>, total: number, n: number): Share[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, share: us / total }));
}

/** Self time by package and by function of a V8 CPU profile (idle time left out). */
export function summariseProfile(
  profile: CpuProfile,
): Pick<ProfileSummary, 'busySeconds' | 'byPackage' | 'hottest'> {
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
  return {
    busySeconds: total / 1e6,
    byPackage: top(byCategory, total, 25),
    hottest: top(byFunction, total, 30),
  };
}

/** Runs the variant on the shape under load with --cpu-prof and summarises the profile. */
export async function profileVariant(options: ProfileOptions): Promise<ProfileSummary> {
  const dir = options.keepDir ?? mkdtempSync(join(tmpdir(), 'faultline-profile-'));
  try {
    const app = await startApp({
      node: process.execPath,
      script: options.shape.script,
      preload: options.variant.preload,
      execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
      env: { ...baseEnv(), ...options.shape.env, ...options.variant.env(options.backends, await freePort()) },
      cpu: options.cpu,
      cwd: options.root,
    });
    const m = await measure(app, options.load, options.warmupS);
    await app.stop();
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (file === undefined)
      throw new Error(`${options.variant.id} on ${options.shape.id} wrote no .cpuprofile`);
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    return {
      shape: options.shape.id,
      variant: options.variant.id,
      throughput: m.throughput,
      cpuUsPerRequest: m.cpuUsPerRequest,
      ...summariseProfile(profile),
    };
  } finally {
    if (options.keepDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
