/**
 * `npm run demo` on a fresh machine: asks scripts/provision.sh (the one place that provisions
 * Faultline's machines) what is missing, and when something is, runs it in the foreground if this
 * process may (root, or password-less sudo), showing what it does; otherwise fails with the one
 * command that does it.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { PrerequisiteError } from './prerequisites.ts';

function canBeRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

function runVisible(command: string, args: string[], print: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) print(line);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/**
 * Makes sure the machine has what the demo runs on (PostgreSQL, Redis, RabbitMQ, HAProxy,
 * Prometheus, Alertmanager, ...). Throws a PrerequisiteError when it cannot.
 */
export async function provisionMachine(root: string, print: (line: string) => void): Promise<void> {
  const script = path.join(root, 'scripts', 'provision.sh');
  const check = spawnSync('bash', [script, '--check'], { encoding: 'utf8' });
  if (check.status === 0) return;
  const missing = `${check.stdout}${check.stderr}`.trim().replace(/\n/g, '; ');
  if (!canBeRoot())
    throw new PrerequisiteError(
      `Cannot start the demo: this machine lacks what it runs on (${missing}).\n  Run once: sudo bash ${script}`,
    );
  print(`Provisioning this machine first (${missing}):`);
  const [command, ...args] = process.getuid?.() === 0 ? ['bash', script] : ['sudo', '-n', 'bash', script];
  const code = await runVisible(command as string, args, print);
  if (code !== 0)
    throw new PrerequisiteError(
      `Cannot start the demo: ${script} failed (exit ${code}); its output is above.`,
    );
}
