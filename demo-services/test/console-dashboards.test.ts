/**
 * The console's dashboard previews at Grafana's own path, `/d/<uid>`: what the demo's alerts
 * and pages link to when no Grafana runs. Every Faultline dashboard has one; nothing else under
 * `/d/` is served, whatever the path tries.
 */
import path from 'node:path';
import express from 'express';
import { defaultConfig } from '@faultline/alerts';
import { dashboardPreviewRoutes } from '../console/routes/dashboards.ts';
import { listen, type RunningServer } from '../shared/httpServer.ts';

const PREVIEWS = path.resolve(__dirname, '..', '..', 'dashboards', 'preview');

let server: RunningServer;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(dashboardPreviewRoutes(PREVIEWS));
  server = await listen(app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
});

test.each(Object.values(defaultConfig.dashboards))(
  'serves the preview of dashboard %s as a PNG',
  async (uid) => {
    const response = await fetch(`${base}/d/${uid}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  },
);

test.each(['faultline-nothing', '..%2F..%2Fpackage.json', '.hidden', 'faultline-slo.png'])(
  'answers 404 for /d/%s',
  async (uid) => {
    const response = await fetch(`${base}/d/${uid}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  },
);
