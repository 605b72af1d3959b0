/**
 * The hooks of `Mysql2ContextInstrumentation` on mysql2's own classes, in its newest and oldest
 * supported majors: each wraps its method once however often the file is patched, and unpatching
 * (the app's own SDK took over, or shutdown) gives the classes their methods back. What the
 * binding does to traces is proved end to end, in a real app against MariaDB, in
 * dbClients.test.ts.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { InstrumentationModuleFile } from '@opentelemetry/instrumentation';
import { testAppDir } from '../scripts/compatibility.ts';
import { Mysql2ContextInstrumentation } from '../src/db/Mysql2ContextInstrumentation.ts';
import { ROOT } from './support/runApp.ts';

type Method = (...args: unknown[]) => unknown;
interface Hooked {
  readonly file: string;
  readonly method: string;
}

const HOOKED: readonly Hooked[] = [
  { file: 'mysql2/lib/pool.js', method: 'getConnection' },
  { file: 'mysql2/lib/connection.js', method: 'addCommand' },
];

/** The class an internal mysql2 file exports, as installed for `from` (its `exports` map hides it). */
function internalClass(from: string, file: string): { prototype: Record<string, Method> } {
  const require = createRequire(join(from, 'package.json'));
  const root = dirname(require.resolve('mysql2'));
  return require(join(root, file.slice('mysql2/'.length))) as { prototype: Record<string, Method> };
}

describe.each([
  { versions: 'mysql2 3', from: ROOT },
  { versions: 'mysql2 2', from: testAppDir(ROOT, 'db-clients-oldest') },
])('the mysql2 context hooks ($versions)', ({ from }) => {
  const instrumentation = new Mysql2ContextInstrumentation();
  const files = instrumentation.getModuleDefinitions()[0]!.files;
  afterAll(() => instrumentation.disable());

  it.each(HOOKED)('wrap $method once and give it back when unpatched', ({ file, method }) => {
    const hook = files.find((candidate) => candidate.name === file) as InstrumentationModuleFile;
    const exported = internalClass(from, file);
    const original = exported.prototype[method];
    hook.patch(exported);
    const wrapped = exported.prototype[method];
    hook.patch(exported);
    expect(wrapped).not.toBe(original);
    expect(exported.prototype[method]).toBe(wrapped);
    hook.unpatch(exported);
    expect(exported.prototype[method]).toBe(original);
  });
});
