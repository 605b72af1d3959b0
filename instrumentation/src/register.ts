/**
 * The drop-in entry: `node --import @faultline/instrumentation/register app.js` (ESM apps) or
 * `node --require @faultline/instrumentation/register app.js` (CommonJS apps). It installs the
 * ESM loader hook that lets library instrumentations see `import`ed modules, then starts
 * Faultline from the environment. Nothing here can stop the app from starting.
 */
import { registerEsmHook } from './lifecycle/esmHook.ts';
import { start } from './start.ts';

try {
  registerEsmHook();
  start();
} catch (error) {
  process.stderr.write(`faultline: not started: ${(error as Error).message}\n`);
}
