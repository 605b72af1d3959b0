/**
 * Lets the dashboards' Node entry points import the signal catalogue straight from
 * `instrumentation/src`. That package is CommonJS (it is compiled to `dist/`), so Node would
 * load its `.ts` sources as CommonJS and fail on their `export` statements; this hook tells
 * Node they are ES modules written in TypeScript. Loaded with `node --import` by the
 * `dashboards:*` scripts; jest does not need it (SWC compiles everything it loads).
 */
import { registerHooks } from 'node:module';

const INSTRUMENTATION_SOURCES = '/instrumentation/src/';

registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:') && url.includes(INSTRUMENTATION_SOURCES) && url.endsWith('.ts')) {
      return nextLoad(url, { ...context, format: 'module-typescript' });
    }
    return nextLoad(url, context);
  },
});
