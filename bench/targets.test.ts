/**
 * The targets are judged per shape from the run's summaries: Faultline's CPU overhead against
 * the lightest peer's, throughput and RSS against bare, exact span counts, and a shape where
 * Faultline did not run counts as missed rather than disappearing from the table.
 */
import type { OverheadSummary } from './overhead.ts';
import { checkInstructions, checkShape, lightestPeer, type ShapeTargets } from './targets.ts';

const SHAPE: ShapeTargets = { id: 'express', label: 'express 5 + winston', clientCallsPerRequest: 0 };

function summary(
  variant: OverheadSummary['variant'],
  partial: Partial<OverheadSummary> = {},
): OverheadSummary {
  return {
    shape: 'express',
    variant,
    label: variant,
    role: variant === 'bare' ? 'bare' : variant.startsWith('faultline') ? 'faultline' : 'peer',
    versions: '',
    rounds: 3,
    throughput: 1000,
    p50Ms: 1,
    p99Ms: 2,
    rssPeakMiB: 100,
    idleRssMiB: 60,
    cpuUsPerRequest: 100,
    cpuOverheadUs: 0,
    appCpuCores: 1,
    spansPerRequest: undefined,
    spansPerRequestWithOutgoingCall: undefined,
    spanNames: undefined,
    vsBare: { throughput: 1, p99: 1, rss: 1, cpu: 1 },
    errors: 0,
    failures: [],
    sinkTraffic: undefined,
    ...partial,
  };
}

const faultline = (partial: Partial<OverheadSummary> = {}): OverheadSummary =>
  summary('faultline', {
    cpuOverheadUs: 10,
    spansPerRequest: 1,
    spansPerRequestWithOutgoingCall: 3,
    vsBare: { throughput: 0.9, p99: 1.2, rss: 1.1, cpu: 1.1 },
    ...partial,
  });

function verdict(summaries: OverheadSummary[], id: string): boolean | undefined {
  return checkShape(SHAPE, summaries).find((c) => c.id === id)?.met;
}

describe('the CPU target against the peers', () => {
  it('picks the peer with the smallest overhead over bare, ignoring peers that did not run', () => {
    const peers = [
      summary('dd-trace', { cpuOverheadUs: 48 }),
      summary('sentry', { cpuOverheadUs: 400 }),
      summary('edot', { cpuOverheadUs: Number.NaN, rounds: 0 }),
    ];
    expect(lightestPeer([summary('bare'), faultline(), ...peers])?.variant).toBe('dd-trace');
  });

  it('is met at a quarter of the lightest peer’s overhead and missed above it', () => {
    const rows = (ours: number): OverheadSummary[] => [
      summary('bare'),
      faultline({ cpuOverheadUs: ours }),
      summary('dd-trace', { cpuOverheadUs: 48 }),
      summary('otel-defaults', { cpuOverheadUs: 160 }),
    ];
    expect(verdict(rows(12), 'cpu-vs-peers')).toBe(true);
    expect(verdict(rows(12.5), 'cpu-vs-peers')).toBe(false);
  });

  it('is not judged when no peer was measured', () => {
    expect(verdict([summary('bare'), faultline()], 'cpu-vs-peers')).toBeUndefined();
  });
});

describe('the targets against bare', () => {
  it('judges throughput on the lower of measured and CPU ratios when bare was not app-bound', () => {
    const rows = [
      summary('bare', { appCpuCores: 0.6 }),
      faultline({ vsBare: { throughput: 0.95, p99: 1, rss: 1, cpu: 1.4 } }),
    ];
    expect(verdict(rows, 'throughput')).toBe(false);
    expect(verdict([summary('bare'), ...rows.slice(1)], 'throughput')).toBe(true);
  });

  it('misses RSS above 1.15× bare under load', () => {
    expect(
      verdict([summary('bare'), faultline({ vsBare: { throughput: 1, p99: 1, rss: 1.16, cpu: 1 } })], 'rss'),
    ).toBe(false);
    expect(verdict([summary('bare'), faultline()], 'rss')).toBe(true);
  });
});

describe('the issues’ figures, on the express shape', () => {
  const baseline = (cpuUsPerRequest: number): OverheadSummary =>
    summary('faultline-baseline', {
      cpuUsPerRequest,
      vsBare: { throughput: 0.55, p99: 1, rss: 1, cpu: 1.8 },
    });

  it('hold the defaults to the baseline build’s CPU per request in the same run, within the noise', () => {
    const rows = (ours: number): OverheadSummary[] => [
      summary('bare'),
      faultline({ cpuUsPerRequest: ours }),
      baseline(80),
    ];
    expect(verdict(rows(80), 'baseline-cpu')).toBe(true);
    expect(verdict(rows(84), 'baseline-cpu')).toBe(true);
    expect(verdict(rows(84.5), 'baseline-cpu')).toBe(false);
  });

  it('judge the defaults’ throughput against 0.70× bare, naming the baseline build’s ratio', () => {
    const rows = (throughput: number): OverheadSummary[] => [
      summary('bare'),
      faultline({ vsBare: { throughput, p99: 1, rss: 1, cpu: 1 / throughput } }),
      baseline(80),
    ];
    expect(checkShape(SHAPE, rows(0.56)).find((c) => c.id === 'defaults-throughput')).toMatchObject({
      met: false,
      actual: expect.stringContaining('the baseline build 0.55× in this run'),
    });
    expect(verdict(rows(0.7), 'defaults-throughput')).toBe(true);
  });

  it('skip the baseline comparison when the baseline build did not run, and other shapes', () => {
    expect(verdict([summary('bare'), faultline()], 'baseline-cpu')).toBeUndefined();
    const fastify: ShapeTargets = { id: 'fastify', label: 'fastify', clientCallsPerRequest: 0 };
    const rows = [summary('bare', { shape: 'fastify' }), faultline({ shape: 'fastify' })];
    expect(checkShape(fastify, rows).some((c) => c.id === 'defaults-throughput')).toBe(false);
  });
});

describe('the issues’ figures, on instructions per request', () => {
  const counts = (faultline: number, baseline?: number) => [
    { variant: 'bare' as const, status: 'counted' as const, perRequest: 260_000 },
    { variant: 'faultline' as const, status: 'counted' as const, perRequest: faultline },
    ...(baseline === undefined
      ? []
      : [{ variant: 'faultline-baseline' as const, status: 'counted' as const, perRequest: baseline }]),
  ];
  const met = (results: ReturnType<typeof counts>, id: string) =>
    checkInstructions(results).find((c) => c.id === id)?.met;

  it('give the defaults ≥ 0.70× bare when bare’s count is at least 0.7 of theirs', () => {
    expect(met(counts(371_000), 'instructions-capacity')).toBe(true);
    expect(met(counts(372_000), 'instructions-capacity')).toBe(false);
  });

  it('hold the defaults to the baseline build’s count within 2%, and skip that without a baseline', () => {
    expect(met(counts(306_000, 300_000), 'instructions-baseline')).toBe(true);
    expect(met(counts(306_100, 300_000), 'instructions-baseline')).toBe(false);
    expect(met(counts(306_000), 'instructions-baseline')).toBeUndefined();
  });

  it('judge nothing when bare or the defaults were not counted', () => {
    expect(checkInstructions([{ variant: 'bare', status: 'failed', reason: 'no valgrind' }])).toEqual([]);
  });
});

describe('the span counts', () => {
  it('expect one server span plus one per client call of the shape', () => {
    const db: ShapeTargets = { id: 'express-db', label: 'db', clientCallsPerRequest: 2 };
    const rows = [
      summary('bare', { shape: 'express-db' }),
      faultline({ shape: 'express-db', spansPerRequest: 2.9, spansPerRequestWithOutgoingCall: 5 }),
    ];
    const checks = checkShape(db, rows);
    expect(checks.find((c) => c.id === 'spans')).toMatchObject({ met: false, actual: '2.9' });
    expect(checks.find((c) => c.id === 'spans-outgoing')?.met).toBe(true);
  });
});

describe('a shape where Faultline did not run', () => {
  it('reports the failure as a missed target', () => {
    const rows = [
      summary('bare'),
      summary('faultline', { rounds: 0, failures: ['the app exited: TypeError'] }),
    ];
    expect(checkShape(SHAPE, rows)).toEqual([
      expect.objectContaining({ id: 'measured', met: false, actual: 'the app exited: TypeError' }),
    ]);
  });
});
