/**
 * Living beside an app's own OpenTelemetry setup. An app that starts a NodeSDK (or registers
 * any tracer provider, context manager or propagator) while Faultline's are registered would be
 * refused by the API ("duplicate registration"), its SDK silently idle, and two pipelines would
 * each inject a `traceparent`. Instead, Faultline watches the API's three `setGlobal*` calls:
 * the first registration that is not its own makes Faultline step aside — it unregisters its
 * own backend for that slot (so the app's registration succeeds), and its caller stops creating
 * spans and injecting context — while metrics and log correlation (which read whatever span is
 * active, now the app's) carry on.
 */
import { context, propagation, trace } from '@opentelemetry/api';

/** The API's global registry, shared by every copy of `@opentelemetry/api` in the process. */
const API_REGISTRY = Symbol.for('opentelemetry.js.api.1');

/** What the app registered that made Faultline step aside. */
export type ForeignRegistration = 'tracer provider' | 'context manager' | 'propagator';

/** Whether a tracer provider is registered already (an app that set up OpenTelemetry first). */
export function foreignProviderRegistered(): boolean {
  const registry = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[API_REGISTRY];
  return registry?.trace !== undefined;
}

interface Slot {
  readonly what: ForeignRegistration;
  readonly api: object;
  readonly method: string;
  readonly ours: unknown;
  readonly unregister: () => void;
}

/**
 * Watches for registrations other than `ours`; on the first, calls `onForeign` once, then lets
 * each foreign registration through after removing Faultline's backend from its slot. Returns
 * the function that stops watching.
 */
export function watchForeignRegistrations(
  ours: { readonly provider: unknown; readonly contextManager: unknown; readonly propagator: unknown },
  onForeign: (what: ForeignRegistration) => void,
): () => void {
  let steppedAside = false;
  const slots: Slot[] = [
    {
      what: 'tracer provider',
      api: trace,
      method: 'setGlobalTracerProvider',
      ours: ours.provider,
      unregister: () => trace.disable(),
    },
    {
      what: 'context manager',
      api: context,
      method: 'setGlobalContextManager',
      ours: ours.contextManager,
      unregister: () => context.disable(),
    },
    {
      what: 'propagator',
      api: propagation,
      method: 'setGlobalPropagator',
      ours: ours.propagator,
      unregister: () => propagation.disable(),
    },
  ];
  const restores = slots.map((slot) => {
    const target = slot.api as Record<string, (value: unknown) => unknown>;
    const original = target[slot.method]!;
    let ownsSlot = true;
    target[slot.method] = function setGlobal(this: unknown, value: unknown) {
      if (value !== slot.ours && ownsSlot) {
        ownsSlot = false;
        if (!steppedAside) {
          steppedAside = true;
          onForeign(slot.what);
        }
        slot.unregister();
      }
      return original.call(this, value);
    };
    // The API's methods live on its prototypes: deleting the own property restores them.
    return () => delete target[slot.method];
  });
  return () => {
    for (const restore of restores) restore();
  };
}
