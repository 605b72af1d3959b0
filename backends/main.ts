/**
 * `npm run backends:build [-- name ...]` (`node backends/main.ts`): builds the named backends
 * (default: all) into the cache once, showing progress; later runs find them built and return.
 */
import { ensureAllBuilt } from './build.ts';
import { BACKENDS, type BackendName } from './versions.ts';

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in BACKENDS));
if (unknown.length > 0) {
  console.error(`unknown backend ${unknown.join(', ')}; accepted: ${Object.keys(BACKENDS).join(', ')}`);
  process.exit(2);
}
await ensureAllBuilt(requested.length > 0 ? (requested as BackendName[]) : undefined).catch(
  (error: Error) => {
    console.error(`backends: ${error.message}`);
    process.exit(1);
  },
);
