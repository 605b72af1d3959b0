/**
 * Proves the dashboards show something: runs every panel's queries, and every variable's
 * `label_values` lookup, against a real Prometheus, with template variables substituted, and
 * reports per panel whether each query errored, returned no series, or returned data.
 */
import { loadDashboardsConfig } from './config.ts';
import { interpolate, variableValues, type Substitutions } from './interpolate.ts';
import { queryPanelsOf, targetsOf, variablesOf, type DashboardJson } from './model.ts';
import { instantQuery, labelValues } from './prometheus.ts';
import { renderDashboards } from './render.ts';

/** What one query gave: data (how many series), no series at all, or an error. */
export type QueryOutcome =
  | { readonly status: 'ok'; readonly series: number }
  | { readonly status: 'no_series' }
  | { readonly status: 'error'; readonly message: string };

/** The outcome of one target of a panel. */
export interface TargetVerification {
  readonly refId: string;
  /** The query as the dashboard holds it. */
  readonly expr: string;
  /** The query as sent, variables substituted. */
  readonly query: string;
  readonly outcome: QueryOutcome;
}

/** The outcome of one panel: its worst target's status, and each target's outcome. */
export interface PanelVerification {
  readonly dashboardUid: string;
  readonly panelId: number;
  readonly panelTitle: string;
  readonly status: QueryOutcome['status'];
  readonly targets: readonly TargetVerification[];
}

/** The outcome of one query variable's `label_values` lookup. */
export interface VariableVerification {
  readonly dashboardUid: string;
  readonly name: string;
  readonly query: string;
  readonly outcome: QueryOutcome;
}

/** Everything a verification run found. */
export interface VerificationReport {
  /** True when every query and variable returned data. */
  readonly ok: boolean;
  readonly panels: readonly PanelVerification[];
  readonly variables: readonly VariableVerification[];
}

/** Options of {@link verifyDashboardsAgainst}. */
export interface VerifyOptions extends Substitutions {
  /** Dashboards to verify; default: the generated ones (identical to the committed JSON). */
  readonly dashboards?: readonly DashboardJson[];
  /** Evaluation time of the instant queries; default now. */
  readonly time?: Date;
}

const SEVERITY: Record<QueryOutcome['status'], number> = { ok: 0, no_series: 1, error: 2 };

async function outcomeOf(run: () => Promise<number>): Promise<QueryOutcome> {
  try {
    const series = await run();
    return series > 0 ? { status: 'ok', series } : { status: 'no_series' };
  } catch (error) {
    return { status: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

async function verifyPanels(
  url: string,
  json: DashboardJson,
  options: VerifyOptions,
): Promise<PanelVerification[]> {
  const values = variableValues(json, options);
  return Promise.all(
    queryPanelsOf(json).map(async (panel) => {
      const targets = await Promise.all(
        targetsOf(panel).map(async (target) => {
          let query = target.expr;
          const outcome = await outcomeOf(async () => {
            query = interpolate(target.expr, values);
            return (await instantQuery(url, query, options.time)).length;
          });
          return { refId: target.refId, expr: target.expr, query, outcome };
        }),
      );
      const worst = targets.reduce<QueryOutcome['status']>(
        (status, t) => (SEVERITY[t.outcome.status] > SEVERITY[status] ? t.outcome.status : status),
        'ok',
      );
      return {
        dashboardUid: json.uid ?? '',
        panelId: panel.id ?? 0,
        panelTitle: panel.title ?? '',
        status: worst,
        targets,
      };
    }),
  );
}

const LABEL_VALUES = /^label_values\((?:(.*),\s*)?(\w+)\)$/;

async function verifyVariables(
  url: string,
  json: DashboardJson,
  options: VerifyOptions,
): Promise<VariableVerification[]> {
  const values = variableValues(json, options);
  const lookups = variablesOf(json).filter((v) => v.type === 'query' && typeof v.query === 'string');
  return Promise.all(
    lookups.map(async (variable) => {
      const query = String(variable.query);
      const outcome = await outcomeOf(async () => {
        const match = LABEL_VALUES.exec(query);
        if (!match) throw new Error(`Only label_values(...) variable queries are verified, not ${query}`);
        const selector = match[1] === undefined ? undefined : interpolate(match[1], values);
        return (await labelValues(url, match[2] ?? '', selector)).length;
      });
      return { dashboardUid: json.uid ?? '', name: variable.name, query, outcome };
    }),
  );
}

/**
 * Runs every panel query and variable lookup of the dashboards against the Prometheus at
 * `prometheusUrl` as instant queries. Variables take their "All" value (`.*`) unless
 * `options.variables` names one; `$__rate_interval` is `1m`, `$__interval` `15s` and `$__range`
 * `1h` unless overridden. Never throws for a failing query: failures are in the report.
 */
export async function verifyDashboardsAgainst(
  prometheusUrl: string,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const dashboards = options.dashboards ?? renderDashboards(loadDashboardsConfig({})).map((r) => r.dashboard);
  const panels: PanelVerification[] = [];
  const variables: VariableVerification[] = [];
  for (const json of dashboards) {
    panels.push(...(await verifyPanels(prometheusUrl, json, options)));
    variables.push(...(await verifyVariables(prometheusUrl, json, options)));
  }
  const ok = panels.every((p) => p.status === 'ok') && variables.every((v) => v.outcome.status === 'ok');
  return { ok, panels, variables };
}

function describeOutcome(outcome: QueryOutcome): string {
  if (outcome.status === 'ok') return `${outcome.series} series`;
  return outcome.status === 'error' ? `error: ${outcome.message}` : 'no series';
}

/** The failures of a report, one line per failing query, for test and CLI output. */
export function describeFailures(report: VerificationReport): string[] {
  const lines: string[] = [];
  for (const panel of report.panels) {
    for (const target of panel.targets) {
      if (target.outcome.status === 'ok') continue;
      lines.push(
        `${panel.dashboardUid} / "${panel.panelTitle}" ${target.refId}: ${describeOutcome(target.outcome)} — ${target.query}`,
      );
    }
  }
  for (const variable of report.variables) {
    if (variable.outcome.status === 'ok') continue;
    lines.push(
      `${variable.dashboardUid} / $${variable.name}: ${describeOutcome(variable.outcome)} — ${variable.query}`,
    );
  }
  return lines;
}
