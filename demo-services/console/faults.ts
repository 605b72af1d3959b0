/**
 * The faults the console can inject: the same set `npm run chaos` offers, as a discriminated
 * union, and the interface through which the demo applies them. The console never touches a
 * service itself; whoever starts it passes a {@link ChaosControl}.
 */

/** One fault in effect (or to inject). `reset` is not a fault: it clears them all. */
export type Fault =
  | { readonly kind: 'provider-down' }
  | { readonly kind: 'provider-slow' }
  | { readonly kind: 'provider-errors'; readonly rate: number }
  | { readonly kind: 'provider-timeouts' }
  | { readonly kind: 'kill'; readonly service: string }
  | { readonly kind: 'redis-down' }
  | { readonly kind: 'broker-down' }
  | { readonly kind: 'consumer-stall' }
  | { readonly kind: 'broker-kill' }
  | { readonly kind: 'db-failover' }
  | { readonly kind: 'redis-master-down' };

/** The kinds of fault, in the order the page lists them. */
export type FaultKind = Fault['kind'];

/** What the page says about each kind of fault. */
export interface FaultDescription {
  readonly kind: FaultKind;
  readonly title: string;
  /** What injecting it does, in one sentence. */
  readonly effect: string;
  /** The `npm run chaos` command it matches. */
  readonly command: string;
}

/** Every kind of fault, in page order. */
export const faultCatalogue: readonly FaultDescription[] = [
  {
    kind: 'provider-down',
    title: 'Payment provider down',
    effect: 'The provider resets every connection: the breaker opens and orders stay pending.',
    command: 'npm run chaos -- provider-down',
  },
  {
    kind: 'provider-slow',
    title: 'Payment provider slow',
    effect: 'Charges take longer than the client timeout: retries, then the breaker.',
    command: 'npm run chaos -- provider-slow',
  },
  {
    kind: 'provider-errors',
    title: 'Payment provider errors',
    effect: 'A share of charges is answered 500: retries absorb some, the rest are redelivered.',
    command: 'npm run chaos -- provider-errors <rate>',
  },
  {
    kind: 'provider-timeouts',
    title: 'Payment provider hangs',
    effect: 'Charges are never answered: every call waits for the client timeout.',
    command: 'npm run chaos -- provider-timeouts',
  },
  {
    kind: 'kill',
    title: 'Kill a service',
    effect: 'The process stops: its target goes down in Prometheus and ServiceDown fires.',
    command: 'npm run chaos -- kill <service>',
  },
  {
    kind: 'redis-down',
    title: 'Redis down',
    effect: 'Order reads lose their cache and fall back to PostgreSQL (degraded, not failed).',
    command: 'npm run chaos -- redis-down',
  },
  {
    kind: 'broker-down',
    title: 'RabbitMQ down',
    effect: 'Orders are accepted into the outbox and published once the broker is back.',
    command: 'npm run chaos -- broker-down',
  },
  {
    kind: 'consumer-stall',
    title: 'Kafka consumers stall',
    effect:
      'Payment consumers stop fetching but stay in their group: consumer-group lag grows, nothing is committed (Kafka bus only).',
    command: 'npm run chaos -- consumer-stall',
  },
  {
    kind: 'broker-kill',
    title: 'Kafka broker killed',
    effect:
      'The broker is SIGKILLed: orders wait in the outbox and are relayed, none lost, once it is restarted (Kafka bus only).',
    command: 'npm run chaos -- broker-kill',
  },
  {
    kind: 'db-failover',
    title: 'PostgreSQL primary killed',
    effect:
      'The primary is SIGKILLed: the supervisor promotes the synchronous replica, the services reconnect, and the old primary is rebuilt as a replica (one-shot: nothing to clear).',
    command: 'npm run chaos -- db-failover',
  },
  {
    kind: 'redis-master-down',
    title: 'Redis master killed',
    effect:
      'The Sentinels elect the replica; reads fall back to PostgreSQL until they have (one-shot: nothing to clear).',
    command: 'npm run chaos -- redis-master-down',
  },
];

/** Error rates the page offers for `provider-errors`. */
export const ERROR_RATES: readonly number[] = [0.1, 0.25, 0.5, 1];

/**
 * How the demo applies faults. Every method rejects with an Error whose message the page
 * shows when the fault could not be applied.
 */
export interface ChaosControl {
  /** Services `kill` accepts, by the names `npm run chaos -- kill <service>` takes. */
  readonly killableServices: readonly string[];
  /** The faults in effect now. */
  active(): Promise<readonly Fault[]>;
  /** Injects one fault (a second `provider-errors` replaces the rate). */
  inject(fault: Fault): Promise<void>;
  /** Clears one fault: restores the provider, restarts the killed service, reconnects. */
  clear(fault: Fault): Promise<void>;
  /** Clears every fault (`npm run chaos -- reset`). */
  reset(): Promise<void>;
}

/** What a fault form asks for. */
export type FaultAction =
  | { readonly action: 'inject'; readonly fault: Fault }
  | { readonly action: 'clear'; readonly fault: Fault }
  | { readonly action: 'reset' };

/** A form that does not describe an action; the message says which field is wrong. */
export type ParsedFaultForm = { ok: true; value: FaultAction } | { ok: false; message: string };

const KINDS = new Set<string>(faultCatalogue.map((f) => f.kind));

function isKind(value: string): value is FaultKind {
  return KINDS.has(value);
}

function faultFrom(
  kind: FaultKind,
  form: Record<string, unknown>,
  killable: readonly string[],
): Fault | string {
  if (kind === 'provider-errors') {
    const rate = Number(form.rate);
    if (!Number.isFinite(rate) || rate <= 0 || rate > 1) return 'rate: a number in (0, 1]';
    return { kind, rate };
  }
  if (kind === 'kill') {
    const service = String(form.service ?? '');
    if (!killable.includes(service)) return `service: one of ${killable.join(', ') || '(none)'}`;
    return { kind, service };
  }
  return { kind };
}

/** Reads a posted fault form (fields `action`, `kind`, `rate`, `service`). Pure. */
export function parseFaultForm(form: Record<string, unknown>, killable: readonly string[]): ParsedFaultForm {
  const action = String(form.action ?? '');
  if (action === 'reset') return { ok: true, value: { action } };
  if (action !== 'inject' && action !== 'clear')
    return { ok: false, message: 'action: inject, clear or reset' };
  const kind = String(form.kind ?? '');
  if (!isKind(kind)) return { ok: false, message: `kind: one of ${[...KINDS].join(', ')}` };
  const fault = faultFrom(kind, form, killable);
  if (typeof fault === 'string') return { ok: false, message: fault };
  return { ok: true, value: { action, fault } };
}

/** The fault as `npm run chaos` spells it, e.g. `provider-errors 0.5` or `kill gateway-1`. */
export function describeFault(fault: Fault): string {
  if (fault.kind === 'provider-errors') return `provider-errors ${fault.rate}`;
  if (fault.kind === 'kill') return `kill ${fault.service}`;
  return fault.kind;
}

/** The question asked before an action runs. */
export function confirmationQuestion(action: FaultAction): string {
  if (action.action === 'reset') return 'Clear every fault (npm run chaos -- reset)?';
  const verb = action.action === 'inject' ? 'Inject' : 'Clear';
  return `${verb} the fault "${describeFault(action.fault)}"?`;
}
