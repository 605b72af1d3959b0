import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dashboardUids, loadDashboardsConfig } from '../src/config.ts';
import type { DashboardJson } from '../src/model.ts';
import { PREVIEW_WIDTH } from '../src/preview/canvas.ts';
import { renderPreviews } from '../src/preview/renderPreviews.ts';
import { renderDashboards } from '../src/render.ts';
import { describeFailures, verifyDashboardsAgainst } from '../src/verify.ts';
import { startFixtureServices, type FixtureServices } from './support/fixtureServices.ts';
import { startPrometheus, waitFor, type RunningPrometheus, FIXTURE_JOB } from './support/prometheus.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  // The IHDR chunk comes first: width and height are its first two 4-byte fields.
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('renderPreviews from a Prometheus scraping the fixture services', () => {
  let fixture: FixtureServices;
  let prometheus: RunningPrometheus;
  let outDir: string;

  beforeAll(async () => {
    fixture = await startFixtureServices();
    prometheus = await startPrometheus([{ job: FIXTURE_JOB, targets: fixture.targets }]);
    outDir = await mkdtemp(path.join(os.tmpdir(), 'faultline-dashboards-preview-'));
    await waitFor(
      'every panel to have data',
      async () => {
        const report = await verifyDashboardsAgainst(prometheus.url);
        if (!report.ok) throw new Error(describeFailures(report).join('\n'));
        return true;
      },
      60_000,
      1_000,
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await fixture?.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('writes one PNG per dashboard, every panel drawn with data', async () => {
    const previews = await renderPreviews({ prometheusUrl: prometheus.url, minutes: 2, outDir });
    expect(previews.map((p) => p.uid).sort()).toEqual(Object.values(dashboardUids).sort());
    for (const preview of previews) {
      expect({ uid: preview.uid, empty: preview.empty }).toEqual({ uid: preview.uid, empty: [] });
      const png = await readFile(preview.file);
      expect(path.basename(preview.file)).toBe(`${preview.uid}.png`);
      expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(png.length).toBeGreaterThan(30_000);
      const { width, height } = pngSize(png);
      expect(width).toBe(PREVIEW_WIDTH);
      expect(height).toBeGreaterThan(500);
    }
  });

  it('draws a panel whose query fails with its error instead of giving up', async () => {
    const [first] = renderDashboards(loadDashboardsConfig({}));
    const json = JSON.parse(first!.text) as DashboardJson;
    const panel = json.panels!.find((p) => p.type === 'timeseries')!;
    json.panels = [{ ...panel, title: 'Broken', targets: [{ refId: 'A', expr: 'rate(up[1m]' } as never] }];
    const [preview] = await renderPreviews({
      prometheusUrl: prometheus.url,
      minutes: 2,
      outDir,
      dashboards: [json],
    });
    expect(preview?.empty).toEqual(['Broken']);
    expect((await readFile(preview!.file)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });
});
