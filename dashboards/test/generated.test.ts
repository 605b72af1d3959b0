import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { dashboardUids, loadDashboardsConfig } from '../src/config.ts';
import { dashboardConfigMaps } from '../src/configMaps.ts';
import { dashboardDefinitions } from '../src/dashboards.ts';
import { renderDashboards } from '../src/render.ts';
import { checkAgainstSdkTypes } from '../src/validate/sdkTypes.ts';

const dashboardsDir = path.join(__dirname, '..');
const rendered = renderDashboards(loadDashboardsConfig({}));

describe('the committed dashboard JSON', () => {
  it.each(rendered.map((r) => [r.file, r] as const))(
    '%s is exactly what the generator produces (run `npm run dashboards:generate` and commit)',
    async (file, r) => {
      const committed = await readFile(path.join(dashboardsDir, file), 'utf8');
      expect(committed).toBe(r.text);
    },
  );

  it('ships as Grafana-sidecar ConfigMaps holding exactly the committed JSON (run `npm run dashboards:generate`)', async () => {
    const committed = await readFile(path.join(dashboardsDir, 'kubernetes', 'configmaps.yaml'), 'utf8');
    expect(committed).toBe(dashboardConfigMaps(rendered, 'monitoring'));
    const maps = parseAllDocuments(committed).map(
      (d) =>
        d.toJS() as {
          kind: string;
          metadata: { name: string; labels: Record<string, string> };
          data: Record<string, string>;
        },
    );
    expect(maps.map((m) => [m.kind, m.metadata.labels.grafana_dashboard, m.metadata.name])).toEqual(
      rendered.map((r) => ['ConfigMap', '1', r.uid]),
    );
    for (const [i, r] of rendered.entries()) {
      expect(maps[i]?.data[r.file]).toBe(await readFile(path.join(dashboardsDir, r.file), 'utf8'));
    }
  });

  it('has no stale dashboard the generator no longer produces', async () => {
    const jsonFiles = (await readdir(dashboardsDir)).filter(
      (f) => f.endsWith('.json') && f !== 'package.json',
    );
    expect(jsonFiles.sort()).toEqual(dashboardDefinitions.map((d) => d.file).sort());
  });

  it("conforms to the Foundation SDK's types (dashboard, panel options, field config, Prometheus targets)", async () => {
    const files = await Promise.all(
      dashboardDefinitions.map(async (d) => ({
        file: d.file,
        json: JSON.parse(await readFile(path.join(dashboardsDir, d.file), 'utf8')) as unknown,
      })),
    );
    expect(checkAgainstSdkTypes(files, dashboardsDir)).toEqual([]);
  });

  it('uses the five dashboard UIDs the alert rules link to, with unique panel ids', () => {
    expect(rendered.map((r) => r.uid).sort()).toEqual(Object.values(dashboardUids).sort());
    for (const r of rendered) {
      const ids = (r.dashboard.panels ?? []).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

describe('the SDK type check', () => {
  it('rejects a misspelt panel option, a mistyped field option and an unknown target property', () => {
    const json = JSON.parse(rendered.find((r) => r.file === 'fault-tolerance.json')!.text);
    const timeseries = json.panels.find((p: { type: string }) => p.type === 'timeseries');
    timeseries.options.legnd = {};
    timeseries.fieldConfig.defaults.custom.fillOpacity = 'half';
    timeseries.targets[0].expression = 'up';
    const problems = checkAgainstSdkTypes([{ file: 'broken.json', json }], dashboardsDir);
    expect(problems).toEqual([
      expect.stringMatching(/broken\.json, panel "Calls by outcome".*'"legnd"' does not exist/s),
      expect.stringMatching(
        /broken\.json, panel "Calls by outcome".*'string' is not assignable to type 'number'/s,
      ),
      expect.stringMatching(/broken\.json, panel "Calls by outcome".*'"expression"' does not exist/s),
    ]);
  });
});
