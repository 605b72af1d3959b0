/**
 * Loads a package with Node's own loader instead of Jest's module registry. Jest (without
 * `--experimental-vm-modules`) cannot `require` an ESM-only package such as cockatiel 4, while
 * Node 24 can; the package is resolved from this test folder, as an app would resolve it.
 */
import Module from 'node:module';

type NodeModuleStatics = { _nodeModulePaths(dir: string): string[] };

/** `require(id)` by Node itself, resolved from `instrumentation/test`. */
export function nativeRequire<T>(id: string): T {
  const host = new Module(__filename);
  host.filename = __filename;
  host.paths = (Module as unknown as NodeModuleStatics)._nodeModulePaths(__dirname);
  return host.require(id) as T;
}
