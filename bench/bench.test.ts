/**
 * The bench runs end to end in --quick mode and produces a complete results file. Speed goals
 * are not asserted here (they live in the bench itself); only that every variant was measured,
 * the numbers are sane, Faultline makes exactly one span per request on a route that makes no
 * outgoing call, the hand-set-up OTel SDK's spans reach the sink, and the prom-client preload
 * really times the service's requests (so its row is not just the bare app).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './appProcess.ts';

const ROOT = join(__dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

interface QuickReport {
  overhead: {
    variant: string;
    throughput: number;
    p99Ms: number;
    rssPeakMiB: number;
    spansPerRequest?: number;
  }[];
  backendsDown: { throughputDown: number; queues: Record<string, { size: number; capacity: number }> };
  targets: { target: string }[];
}

function runQuickBench(outFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, ['bench/run.ts', '--quick', '--only', 'overhead,down', '--out', outFile], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run bench --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const outFile = join(dir, 'results.json');
  let report: QuickReport;

  beforeAll(async () => {
    const { code, output } = await runQuickBench(outFile);
    if (code !== 0) throw new Error(`bench exited with ${code}:\n${output}`);
    report = JSON.parse(readFileSync(outFile, 'utf8')) as QuickReport;
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every variant with non-zero throughput, latency and memory', () => {
    expect(report.overhead.map((s) => s.variant)).toEqual([
      'bare',
      'faultline',
      'faultline-traces-off',
      'otel-defaults',
      'otel-http-express',
      'prom-client-only',
    ]);
    for (const summary of report.overhead) {
      expect(summary.throughput).toBeGreaterThan(0);
      expect(summary.p99Ms).toBeGreaterThan(0);
      expect(summary.rssPeakMiB).toBeGreaterThan(10);
    }
  });

  it('counts exactly one span per request for Faultline defaults on a route without outgoing calls', () => {
    expect(report.overhead.find((s) => s.variant === 'faultline')?.spansPerRequest).toBe(1);
  });

  it('gets the spans of the hand-set-up OTel SDK (http and express only) to the sink', () => {
    expect(report.overhead.find((s) => s.variant === 'otel-http-express')?.spansPerRequest).toBeGreaterThan(
      0,
    );
  });

  it('keeps serving with the backends down, against a bounded trace queue', () => {
    expect(report.backendsDown.throughputDown).toBeGreaterThan(0);
    expect(report.backendsDown.queues.traces?.capacity).toBeGreaterThan(0);
    expect(report.targets.length).toBeGreaterThan(0);
  });
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
