/**
 * Lets Node run the instrumentation package's TypeScript sources and scripts directly. That
 * package is CommonJS (it is compiled to `dist/`), so Node would load its `.ts` files as
 * CommonJS and fail on their `import`/`export` statements; this hook tells Node they are ES
 * modules written in TypeScript. Loaded with `node --import` by root scripts such as
 * `signals:doc`; jest does not need it (SWC compiles everything it loads).
 */
import { registerHooks } from 'node:module';

const SOURCES = ['/instrumentation/src/', '/instrumentation/scripts/'];

registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:') && url.endsWith('.ts') && SOURCES.some((folder) => url.includes(folder))) {
      return nextLoad(url, { ...context, format: 'module-typescript' });
    }
    return nextLoad(url, context);
  },
});
