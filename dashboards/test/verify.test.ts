import type { DashboardJson } from '../src/model.ts';
import { loadDashboardsConfig } from '../src/config.ts';
import { renderDashboards } from '../src/render.ts';
import { describeFailures, verifyDashboardsAgainst, type VerificationReport } from '../src/verify.ts';
import { startFixtureServices, type FixtureServices } from './support/fixtureServices.ts';
import { startPrometheus, waitFor, type RunningPrometheus, FIXTURE_JOB } from './support/prometheus.ts';

/** One dashboard with one panel running `expr`, to see how verification judges it. */
function dashboardWith(expr: string): DashboardJson {
  const [first] = renderDashboards(loadDashboardsConfig({}));
  const json = JSON.parse(first!.text) as DashboardJson;
  const panel = json.panels!.find((p) => p.type === 'timeseries')!;
  json.panels = [{ ...panel, targets: [{ refId: 'A', expr } as never] }];
  json.templating = { list: json.templating.list?.filter((v) => v.type !== 'query') ?? [] };
  return json;
}

describe('verifyDashboardsAgainst a Prometheus scraping the fixture services', () => {
  let fixture: FixtureServices;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    fixture = await startFixtureServices();
    prometheus = await startPrometheus([{ job: FIXTURE_JOB, targets: fixture.targets }]);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await fixture?.stop();
  });

  it('finds data for every panel query and every variable of every dashboard', async () => {
    const report = await waitFor<VerificationReport>(
      'every panel and variable to return series',
      async () => {
        const run = await verifyDashboardsAgainst(prometheus.url);
        if (!run.ok) throw new Error(describeFailures(run).join('\n'));
        return run;
      },
      60_000,
      1_000,
    );
    const dashboards = new Set(report.panels.map((p) => p.dashboardUid));
    expect(dashboards.size).toBe(5);
    expect(report.panels.length).toBeGreaterThan(30);
    expect(report.panels.every((p) => p.targets.length > 0)).toBe(true);
    expect(report.variables.map((v) => `${v.dashboardUid}/$${v.name}`)).toContain('faultline-queues/$queue');
  });

  it('reports a query that returns nothing as no_series', async () => {
    const report = await verifyDashboardsAgainst(prometheus.url, {
      dashboards: [dashboardWith('no_such_metric')],
    });
    expect(report.ok).toBe(false);
    expect(report.panels[0]?.status).toBe('no_series');
  });

  it('reports a query Prometheus cannot parse as an error, with its message', async () => {
    const report = await verifyDashboardsAgainst(prometheus.url, {
      dashboards: [dashboardWith('rate(up[1m]')],
    });
    expect(report.panels[0]?.status).toBe('error');
    expect(describeFailures(report)[0]).toMatch(/parse error/);
  });

  it('reports a query using a variable its dashboard does not define as an error', async () => {
    const report = await verifyDashboardsAgainst(prometheus.url, {
      dashboards: [dashboardWith('up{job=~"$nowhere"}')],
    });
    expect(report.panels[0]?.status).toBe('error');
    expect(describeFailures(report)[0]).toMatch(/\$nowhere/);
  });

  it('uses the variable values it is given instead of "All"', async () => {
    const onlyGateway = await verifyDashboardsAgainst(prometheus.url, { variables: { service: 'gateway' } });
    const requests = onlyGateway.panels.find((p) => p.panelTitle === 'Requests by route');
    expect(requests?.targets[0]?.query).toContain('service=~"gateway"');
    expect(requests?.status).toBe('ok');

    const nobody = await verifyDashboardsAgainst(prometheus.url, {
      variables: { service: 'no-such-service' },
    });
    expect(nobody.panels.find((p) => p.panelTitle === 'Requests by route')?.status).toBe('no_series');
  });
});
