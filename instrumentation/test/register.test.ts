/**
 * The drop-in entry never breaks how Node is started: a script, `-e` code and a process with
 * nothing to serve all run and exit as they would without it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NODE, REGISTER } from './support/runApp.ts';

const run = promisify(execFile);
const env = { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none', FAULTLINE_METRICS_PORT: '0' };

describe('the register entry', () => {
  it.each(['--require', '--import'])('lets `node %s … -e` evaluate code and exit', async (flag) => {
    const { stdout } = await run(NODE, [flag, REGISTER, '-e', 'console.log(6 * 7)'], { env });
    expect(stdout.trim()).toBe('42');
  });

  it('does not keep a process with nothing left to do alive', async () => {
    const started = await run(
      NODE,
      ['--require', REGISTER, '-e', 'setTimeout(() => console.log("done"), 10)'],
      {
        env,
        timeout: 20_000,
      },
    );
    expect(started.stdout.trim()).toBe('done');
  });
});
