/**
 * The committed rules pass `promtool check rules` (syntax and lint) and every promtool unit test
 * under alerts/tests passes: each alert fires with its exact labels and annotations, and stays
 * silent on healthy systems and near misses.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { promtoolPath } from '../../backends/index.ts';
import { alertsPath } from './support/paths.ts';
import { promtoolTestFileNames, ruleFileNames } from './support/ruleFiles.ts';

const run = promisify(execFile);

/** Runs the pinned promtool; resolves with its output, or rejects with the output that explains the failure. */
async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(promtoolPath(), args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

describe('promtool', () => {
  it('check rules: every rule file is valid and lint-clean', async () => {
    const files = ruleFileNames().map((file) => alertsPath('rules', file));
    expect(files.length).toBeGreaterThan(0);
    const output = await promtool('check', 'rules', ...files);
    expect(output).not.toMatch(/FAILED|WARNING/);
  });

  it.each(promtoolTestFileNames())('test rules: alerts/tests/%s passes', async (file) => {
    const output = await promtool('test', 'rules', alertsPath('tests', file));
    expect(output).toMatch(/SUCCESS/);
  });
});
