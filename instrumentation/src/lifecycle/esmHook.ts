/**
 * ESM apps `import` their libraries, which require-in-the-middle never sees. This registers
 * import-in-the-middle's loader hooks for the few packages the library instrumentations patch
 * at their top level, and nothing else, so other modules load untouched. Node versions with
 * synchronous in-thread hooks use them; older ones get the off-thread loader.
 */
import { register as registerLoader } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Packages whose top-level exports an instrumentation patches. */
export const ESM_HOOKED_PACKAGES = [
  'pg',
  'pg-pool',
  'ioredis',
  'mysql2',
  'koa',
  'pino',
  'bunyan',
  '@grpc/grpc-js',
] as const;

interface SyncHooks {
  register(options: { include: string[] }): void;
  supportsSyncHooks(): boolean;
}

/** Installs the hook once; a failure leaves ESM imports unpatched, never the app broken. */
export function registerEsmHook(): void {
  // `node -e` / stdin have no entry file; import-in-the-middle's synchronous hook then fails
  // to load Node's own `module` builtin. Code run that way is not a service: leave it alone.
  if (process.argv[1] === undefined) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hooks = require('import-in-the-middle/register-hooks.mjs') as SyncHooks;
  if (hooks.supportsSyncHooks()) {
    hooks.register({ include: [...ESM_HOOKED_PACKAGES] });
    return;
  }
  registerLoader('import-in-the-middle/hook.mjs', pathToFileURL(__filename), {
    data: { include: [...ESM_HOOKED_PACKAGES] },
  });
}
