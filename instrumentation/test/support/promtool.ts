/** `promtool check metrics` of the pinned Prometheus (from backends/), fed an exposition on stdin. */
import { spawn } from 'node:child_process';
import { promtoolPath } from '../../../backends/index.ts';

/** Runs `promtool check metrics` on `exposition`; resolves with its exit code and output. */
export function promtoolCheckMetrics(exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtoolPath(), ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}
