/**
 * Finding the toolchains the backends are built and run with, and saying in one line what to
 * install when one is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { backendsConfig } from './config.ts';

/** A toolchain is missing or too old; the message says what to install. */
export class ToolchainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolchainError';
  }
}

/** What `command args` printed (stdout and stderr: `java -version` writes to stderr), or undefined. */
function versionOf(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) return undefined;
  const out = `${result.stdout}${result.stderr}`;
  return out.length > 0 ? out : undefined;
}

/** Throws a ToolchainError unless `go` (1.24 or newer) is on PATH. */
export function requireGo(forWhat: string): void {
  const out = versionOf('go', ['version']);
  const match = out?.match(/go(\d+)\.(\d+)/);
  if (!match || Number(match[1]) < 1 || (Number(match[1]) === 1 && Number(match[2]) < 24))
    throw new ToolchainError(
      `Go 1.24 or newer is needed to build ${forWhat} (${out ? out.trim() : 'go not found on PATH'}): install it from go.dev or your distribution`,
    );
}

/** Throws a ToolchainError unless Maven (`mvn`) is on PATH. */
export function requireMaven(forWhat: string): void {
  if (!versionOf('mvn', ['--version']))
    throw new ToolchainError(
      `Maven is needed to fetch ${forWhat} from Maven Central (mvn not found on PATH): sudo apt-get install -y maven`,
    );
}

/** Throws a ToolchainError unless `python3` (3.9 or newer, with venv) is on PATH. */
export function requirePython(forWhat: string): void {
  const out = versionOf('python3', [
    '-c',
    'import venv, sys; print(sys.version_info[0], sys.version_info[1])',
  ]);
  const match = out?.match(/^(\d+) (\d+)/);
  if (!match || Number(match[1]) < 3 || (Number(match[1]) === 3 && Number(match[2]) < 9))
    throw new ToolchainError(
      `Python 3.9 or newer with venv is needed to install ${forWhat} (${out ? out.trim() : 'python3 not found on PATH'}): sudo apt-get install -y python3-venv`,
    );
}

function javaFeature(javaHome: string): number | undefined {
  const java = path.join(javaHome, 'bin', 'java');
  if (!existsSync(java)) return undefined;
  const match = versionOf(java, ['-version'])?.match(/version "(\d+)/);
  return match ? Number(match[1]) : undefined;
}

/**
 * A JAVA_HOME of at least `minFeature`: $ES_JAVA_HOME or $JAVA_HOME when new enough, else the
 * newest JDK under /usr/lib/jvm. Throws a ToolchainError naming what was found.
 */
export function findJavaHome(minFeature: number, forWhat: string, config = backendsConfig()): string {
  const candidates = [...config.javaHomes];
  const jvmRoot = '/usr/lib/jvm';
  if (existsSync(jvmRoot)) candidates.push(...readdirSync(jvmRoot).map((dir) => path.join(jvmRoot, dir)));
  const found = candidates
    .map((home) => ({ home, feature: javaFeature(home) }))
    .filter((c): c is { home: string; feature: number } => c.feature !== undefined);
  const best = found.sort((a, b) => b.feature - a.feature)[0];
  if (!best || best.feature < minFeature)
    throw new ToolchainError(
      `Java ${minFeature} or newer is needed to run ${forWhat} (found ${best ? `Java ${best.feature} at ${best.home}` : 'no JDK'}): set ES_JAVA_HOME to a JDK ${minFeature}+`,
    );
  return best.home;
}
