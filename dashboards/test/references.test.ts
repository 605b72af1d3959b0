/**
 * Every identifier a dashboard or an alert refers to exists: datasource UIDs in the
 * provisioning, dashboard UIDs linked from anywhere in the repository, alert names and their
 * runbooks in `alerts/`, and the SLO the SLO dashboard shows is the one the alerts evaluate.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { defaultConfig as alertsConfig } from '../../alerts/src/config.ts';
import { dashboardSlo, loadDashboardsConfig, type DashboardsConfig } from '../src/config.ts';
import { panelsOf, queryPanelsOf, targetsOf, variablesOf, type DashboardJson } from '../src/model.ts';
import { renderDashboards } from '../src/render.ts';

const repoRoot = path.join(__dirname, '..', '..');
const config: DashboardsConfig = loadDashboardsConfig({});
const dashboards = renderDashboards(config);
const uids = dashboards.map((d) => d.uid);

interface Ref {
  type?: string;
  uid?: string;
}

async function provisionedDatasources(): Promise<{ uid: string; type: string }[]> {
  const file = path.join(repoRoot, 'dashboards', 'provisioning', 'datasources', 'datasources.yml');
  return (parse(await readFile(file, 'utf8')) as { datasources: { uid: string; type: string }[] })
    .datasources;
}

/** Datasource refs of a dashboard, `${var}` resolved through its datasource variables. */
function datasourceRefs(json: DashboardJson): { where: string; ref: Ref }[] {
  const current = new Map(
    variablesOf(json)
      .filter((v) => v.type === 'datasource')
      .map((v) => [v.name, { type: String(v.query), uid: String(v.current?.value) }]),
  );
  const resolve = (ref: Ref): Ref => {
    const variable = /^\$\{?(\w+)\}?$/.exec(ref.uid ?? '')?.[1];
    return variable && current.has(variable) ? current.get(variable)! : ref;
  };
  const refs: { where: string; ref: Ref }[] = [];
  for (const panel of panelsOf(json)) {
    if (panel.datasource) refs.push({ where: `panel "${panel.title}"`, ref: resolve(panel.datasource) });
    for (const target of ('targets' in panel ? panel.targets : undefined) ?? []) {
      const ref = (target as { datasource?: Ref }).datasource;
      if (ref) refs.push({ where: `panel "${panel.title}" target`, ref: resolve(ref) });
    }
  }
  for (const variable of variablesOf(json)) {
    if (variable.datasource)
      refs.push({ where: `variable $${variable.name}`, ref: resolve(variable.datasource) });
  }
  return refs;
}

async function textFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(ya?ml|json|md|ts|js|cfg|conf)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`));
}

interface AlertRule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

async function alertRules(): Promise<AlertRule[]> {
  const dir = path.join(repoRoot, 'alerts', 'rules');
  if (!existsSync(dir)) return [];
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f));
  const docs = await Promise.all(files.map(async (f) => parse(await readFile(path.join(dir, f), 'utf8'))));
  return docs
    .flatMap((doc: { groups?: { rules?: AlertRule[] }[] }) => doc.groups ?? [])
    .flatMap((group) => group.rules ?? [])
    .filter((rule) => rule.alert !== undefined);
}

/** Alert name → the dashboards whose panels link its runbook. */
function runbooksLinked(): Map<string, Set<string>> {
  const linked = new Map<string, Set<string>>();
  for (const d of dashboards) {
    for (const panel of queryPanelsOf(d.dashboard)) {
      for (const link of panel.links ?? []) {
        const alert = new RegExp(`^${config.runbookBaseUrl}/(\\w+)\\.md$`).exec(link.url ?? '')?.[1];
        if (alert) linked.set(alert, new Set([...(linked.get(alert) ?? []), d.uid]));
      }
    }
  }
  return linked;
}

describe('references from the dashboards', () => {
  it('read only datasources the provisioning defines, of the type they expect', async () => {
    const provisioned = await provisionedDatasources();
    const problems: string[] = [];
    for (const d of dashboards) {
      for (const { where, ref } of datasourceRefs(d.dashboard)) {
        const found = provisioned.find((p) => p.uid === ref.uid);
        if (!found || (ref.type && found.type !== ref.type)) {
          problems.push(`${d.file} ${where}: ${ref.type}/${ref.uid}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('link only to runbooks of alerts that exist in alerts/rules and have a runbook in alerts/runbooks', async () => {
    const rules = await alertRules();
    if (rules.length === 0) return; // alerts/ not written yet
    const defined = new Set(rules.map((r) => r.alert));
    for (const alert of runbooksLinked().keys()) {
      expect({ alert, defined: defined.has(alert) }).toEqual({ alert, defined: true });
      expect({
        alert,
        runbook: existsSync(path.join(repoRoot, 'alerts', 'runbooks', `${alert}.md`)),
      }).toEqual({
        alert,
        runbook: true,
      });
    }
  });

  it("link every alert's runbook from a panel of the dashboard the alert's dashboard_url opens", async () => {
    const linked = runbooksLinked();
    const problems: string[] = [];
    for (const rule of await alertRules()) {
      const uid = /\/d\/([\w-]+)/.exec(rule.annotations?.dashboard_url ?? '')?.[1];
      if (!uid) problems.push(`${rule.alert} has no dashboard_url`);
      else if (!linked.get(rule.alert ?? '')?.has(uid))
        problems.push(`${rule.alert}: no panel of ${uid} links its runbook`);
    }
    expect([...new Set(problems)]).toEqual([]);
  });
});

describe('exemplars', () => {
  it('are asked for by the request duration panels, over histogram buckets (provisioning links them to Jaeger)', () => {
    const targets = dashboards.flatMap((d) =>
      queryPanelsOf(d.dashboard).flatMap((panel) =>
        (panel.targets ?? [])
          .map((t) => t as { exemplar?: boolean; expr?: string })
          .filter((t) => t.exemplar === true)
          .map((t) => ({ title: panel.title, expr: t.expr ?? '' })),
      ),
    );
    expect(targets.map((t) => t.title)).toEqual(
      expect.arrayContaining(['p95 duration by route', 'Duration percentiles by service']),
    );
    for (const t of targets) expect(t.expr).toMatch(/_duration_seconds_bucket\{/);
  });
});

describe('dashboard links anywhere in the repository', () => {
  it('point at dashboards that exist', async () => {
    const dirs = ['alerts', 'dashboards', 'docs', 'compose', 'demo-services', 'elasticsearch'];
    const files = [
      ...(await Promise.all(dirs.map((d) => textFiles(path.join(repoRoot, d))))).flat(),
      path.join(repoRoot, 'README.md'),
      path.join(repoRoot, 'docker-compose.yml'),
    ].filter((f) => existsSync(f));
    const links: { file: string; uid: string }[] = [];
    for (const file of files) {
      for (const match of (await readFile(file, 'utf8')).matchAll(/\/d\/([A-Za-z0-9][\w-]*)/g)) {
        links.push({ file: path.relative(repoRoot, file), uid: match[1] ?? '' });
      }
    }
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !uids.includes(l.uid))).toEqual([]);
  });
});

describe('the SLO dashboard', () => {
  it('reads every SLO from the one config point the rules read, and shows the tiers the rules evaluate', async () => {
    const sloDashboard = dashboards.find((d) => d.uid === 'faultline-slo')!.dashboard;
    const rowTitles = JSON.stringify(sloDashboard);
    const windows = alertsConfig.slos.flatMap((slo) => {
      expect(rowTitles).toContain(`${slo.name} — objective`);
      return dashboardSlo(slo).burnRateWindows.map((w) => [w.alert, w.long, w.short]);
    });
    const burnAlerts = (await alertRules())
      .filter((r) => r.labels?.long_window)
      .map((r) => [r.alert, r.labels?.long_window, r.labels?.short_window]);
    expect(windows).toEqual(burnAlerts);
  });

  it('counts the same requests as the SLO recording rules', () => {
    const slo = dashboards.find((d) => d.uid === 'faultline-slo')!.dashboard;
    const selectors = queryPanelsOf(slo)
      .flatMap(targetsOf)
      .flatMap((t) => [...t.expr.matchAll(/_count\{([^}]*)\}/g)].map((m) => m[1] ?? ''));
    const matchers = (selector: string): string[] => selector.split(/,\s*/).sort();
    const expected = matchers(alertsConfig.slos[0]?.requestSelector ?? '');
    expect(selectors.length).toBeGreaterThan(0);
    for (const selector of selectors) {
      expect(matchers(selector).filter((m) => !m.startsWith('http_response_status_code'))).toEqual(expected);
    }
  });
});
