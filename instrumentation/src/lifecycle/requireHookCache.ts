/**
 * require-in-the-middle, which every OpenTelemetry instrumentation in the process shares
 * through one hook, remembers the exports it returned for each built-in module. Faultline
 * installs that hook at start-up, so a built-in (`http`, `https`, `net`) first required before
 * an app's own SDK registers its instrumentations is remembered unpatched, and the app's
 * instrumentations never see it. When Faultline steps aside for the app's SDK it makes the
 * hook forget those built-ins, so their next `require` goes through the app's instrumentations
 * as it would without Faultline. The hook is captured when the shared hook is created, which
 * must happen after {@link captureRequireHook}.
 */
import { createRequire } from 'node:module';

interface RitmHook {
  _cache?: { _localCache?: Map<string, unknown> };
}
type HookConstructor = new (...args: unknown[]) => RitmHook;

const hooks: RitmHook[] = [];

/** Records the require-in-the-middle hooks created from now on (the shared one among them). */
export function captureRequireHook(): void {
  try {
    const instrumentationRequire = createRequire(require.resolve('@opentelemetry/instrumentation'));
    const ritm = instrumentationRequire('require-in-the-middle') as { Hook: HookConstructor };
    const Original = ritm.Hook;
    if ((Original as { faultline?: boolean }).faultline) return;
    const Capturing = function Hook(this: unknown, ...args: unknown[]) {
      const hook = new Original(...args);
      hooks.push(hook);
      return hook;
    } as unknown as HookConstructor & { faultline?: boolean };
    Capturing.faultline = true;
    ritm.Hook = Capturing;
  } catch {
    // Without the capture, an app's SDK misses only built-ins required before it started.
  }
}

/** Makes the captured hooks forget the built-in modules they returned so far. */
export function forgetBuiltinModules(): void {
  for (const hook of hooks) hook._cache?._localCache?.clear();
}
