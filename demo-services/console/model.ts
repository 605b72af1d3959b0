/**
 * The view models the templates render: plain strings and flags, computed from a reading by
 * pure functions, so the templates stay logic-less and every rule here is unit-tested.
 */
import {
  ERROR_RATES,
  confirmationQuestion,
  describeFault,
  faultCatalogue,
  type Fault,
  type FaultAction,
  type FaultDescription,
} from './faults.ts';
import { grafanaDashboards, jaegerSearch, kibanaDiscover, type Link, type LinkBases } from './links.ts';
import { time } from './format.ts';
import { ordersView, type OrdersView } from './orderView.ts';
import type { ConsoleState, Section } from './state.ts';

/** A hidden form field. */
export interface Field {
  readonly name: string;
  readonly value: string;
}

/** A fault form: posted to `/faults`, confirmed first. */
export interface FaultForm {
  readonly label: string;
  readonly question: string;
  readonly fields: readonly Field[];
}

/** One row of the fault controls. */
export interface FaultRow {
  readonly kind: string;
  readonly title: string;
  readonly effect: string;
  readonly command: string;
  readonly state: 'active' | 'inactive' | 'unknown';
  readonly stateLabel: string;
  /** Present when the fault can be injected now. */
  readonly inject:
    (FaultForm & { readonly rates: readonly string[]; readonly services: readonly string[] }) | undefined;
  /** One per fault of this kind in effect. */
  readonly clears: readonly FaultForm[];
}

/** The fault section. */
export type FaultsView =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly error: string | undefined;
      readonly rows: readonly FaultRow[];
      readonly reset: FaultForm;
    };

/** Everything a page or a section renders. */
export interface PageModel {
  readonly readAt: string;
  readonly orders: OrdersView;
  readonly faults: FaultsView;
  readonly health: SectionView<{ service: string; instance: string; up: boolean; label: string }>;
  readonly breakers: SectionView<{
    service: string;
    instance: string;
    breaker: string;
    state: string;
    label: string;
  }>;
  readonly queues: SectionView<{
    queue: string;
    ready: number;
    unacked: number;
    deadLetter: boolean;
    /** CSS class of the row: dead letters waiting are an alarm. */
    rowClass: 'queue' | 'queue-dead-letter' | 'queue-dead-letter queue-alarm';
  }>;
  readonly deadLetters: number;
  readonly alerts: SectionView<AlertRow>;
  readonly paged: readonly AlertRow[];
  /** Pages the pager accepted, newest first; undefined when no pager sink is configured. */
  readonly delivered: SectionView<DeliveredRow> | undefined;
  /** Links to the tools that are configured; `any` is false when none is. */
  readonly links: {
    dashboards: readonly Link[];
    jaeger: string | undefined;
    kibana: string | undefined;
    any: boolean;
  };
}

/** A list section: its rows, or the error that kept it empty. */
export interface SectionView<T> {
  readonly rows: readonly T[];
  readonly error: string | undefined;
}

/** A page the pager accepted. */
export interface DeliveredRow {
  readonly alertname: string;
  readonly action: string;
  readonly dedupKey: string;
  readonly service: string;
  readonly severity: string;
  readonly summary: string;
  readonly at: string;
  /** The runbook and dashboard links the page carried (http(s) only), whatever they point at. */
  readonly runbookUrl: string | undefined;
  readonly dashboardUrl: string | undefined;
}

/** An alert row. */
export interface AlertRow {
  readonly name: string;
  readonly severity: string;
  readonly service: string;
  readonly instance: string;
  readonly summary: string;
  readonly since: string;
  readonly paged: boolean;
  readonly receivers: string;
  readonly runbookUrl: string;
  readonly dashboardUrl: string | undefined;
}

function view<T, R>(section: Section<readonly T[]>, row: (item: T) => R): SectionView<R> {
  return section.ok ? { rows: section.value.map(row), error: undefined } : { rows: [], error: section.error };
}

function fields(action: FaultAction): Field[] {
  const list: Field[] = [{ name: 'action', value: action.action }];
  if (action.action === 'reset') return list;
  const { fault } = action;
  list.push({ name: 'kind', value: fault.kind });
  if (fault.kind === 'provider-errors') list.push({ name: 'rate', value: String(fault.rate) });
  if (fault.kind === 'kill') list.push({ name: 'service', value: fault.service });
  return list;
}

/** The form that performs `action`, with its confirmation question. Pure. */
export function faultForm(action: FaultAction, label: string): FaultForm {
  return { label, question: confirmationQuestion(action), fields: fields(action) };
}

function faultRow(
  description: FaultDescription,
  active: readonly Fault[] | undefined,
  killable: readonly string[],
): FaultRow {
  const mine = (active ?? []).filter((f) => f.kind === description.kind);
  const killed = new Set(mine.flatMap((f) => (f.kind === 'kill' ? [f.service] : [])));
  const services = killable.filter((s) => !killed.has(s));
  const injectable =
    active !== undefined && (description.kind === 'kill' ? services.length > 0 : mine.length === 0);
  const inject = injectable
    ? {
        label: 'Inject',
        question: `Inject the fault "${description.kind}"?`,
        fields: [
          { name: 'action', value: 'inject' },
          { name: 'kind', value: description.kind },
        ],
        rates: description.kind === 'provider-errors' ? ERROR_RATES.map(String) : [],
        services: description.kind === 'kill' ? services : [],
      }
    : undefined;
  return {
    kind: description.kind,
    title: description.title,
    effect: description.effect,
    command: description.command,
    state: active === undefined ? 'unknown' : mine.length > 0 ? 'active' : 'inactive',
    stateLabel:
      active === undefined
        ? 'unknown'
        : mine.length > 0
          ? `on: ${mine.map(describeFault).join(', ')}`
          : 'off',
    inject,
    clears: mine.map((fault) =>
      faultForm({ action: 'clear', fault }, fault.kind === 'kill' ? `Restart ${fault.service}` : 'Clear'),
    ),
  };
}

function faultsView(state: ConsoleState): FaultsView {
  if (!state.faults.enabled) return { enabled: false };
  const { active, killable } = state.faults;
  const faults = active.ok ? active.value : undefined;
  return {
    enabled: true,
    error: active.ok ? undefined : active.error,
    rows: faultCatalogue.map((d) => faultRow(d, faults, killable)),
    reset: faultForm({ action: 'reset' }, 'Reset: clear every fault'),
  };
}

function linksView(bases: LinkBases): PageModel['links'] {
  const dashboards = grafanaDashboards(bases);
  const jaeger = jaegerSearch(bases);
  const kibana = kibanaDiscover(bases);
  return {
    dashboards,
    jaeger,
    kibana,
    any: dashboards.length > 0 || jaeger !== undefined || kibana !== undefined,
  };
}

/** Builds the page's model from one reading. Pure. */
export function pageModel(state: ConsoleState, bases: LinkBases): PageModel {
  const alerts = view(state.alerts, (a) => ({
    name: a.name,
    severity: a.severity,
    service: a.service,
    instance: a.instance,
    summary: a.summary,
    since: time(a.startsAt),
    paged: a.paged,
    receivers: a.receivers.join(', '),
    runbookUrl: a.runbookUrl,
    dashboardUrl: a.dashboardUrl,
  }));
  const queues = view(state.queues, (q) => ({
    ...q,
    rowClass: !q.deadLetter
      ? ('queue' as const)
      : q.ready + q.unacked > 0
        ? ('queue-dead-letter queue-alarm' as const)
        : ('queue-dead-letter' as const),
  }));
  return {
    readAt: time(state.readAt),
    orders: ordersView(state.orders, bases),
    faults: faultsView(state),
    health: view(state.health, (h) => ({ ...h, label: h.up ? 'up' : 'down' })),
    breakers: view(state.breakers, (b) => ({ ...b, label: b.state.replace('_', '-') })),
    queues,
    deadLetters: queues.rows.filter((q) => q.deadLetter).reduce((sum, q) => sum + q.ready + q.unacked, 0),
    alerts,
    paged: alerts.rows.filter((a) => a.paged),
    delivered: state.pages
      ? view(state.pages, (p) => ({
          alertname: p.alertname,
          action: p.action,
          dedupKey: p.dedupKey,
          service: p.service,
          severity: p.severity,
          summary: p.summary,
          at: time(p.receivedAt),
          runbookUrl: p.runbookUrl,
          dashboardUrl: p.dashboardUrl,
        }))
      : undefined,
    links: linksView(bases),
  };
}
