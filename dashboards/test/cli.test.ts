/**
 * `faultline-mixin --config my-settings.json`: one command writes the alerts and the dashboards
 * from the one config point with a user's settings merged onto it, without editing the
 * repository: the services selector reaches the panels' queries, each SLO of the settings gets
 * its row, the ConfigMaps land in the settings' namespace, and the rules carry the same settings.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { defaultConfig } from '@faultline/alerts';

const run = promisify(execFile);
const CLI = join(__dirname, '..', 'src', 'cli.ts');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-mixin-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('one command generates alerts and dashboards with my settings', async () => {
  const [orders] = defaultConfig.slos;
  const settings = join(dir, 'my-settings.json');
  await writeFile(
    settings,
    JSON.stringify({
      selectors: { services: 'namespace="shop"' },
      groupingLabels: ['namespace'],
      runbookBaseUrl: 'https://runbooks.shop.example/faultline',
      namespace: 'shop-monitoring',
      slos: [
        orders,
        {
          ...orders,
          name: 'payment-availability',
          description: 'payments',
          requestSelector: 'service="payment-service"',
        },
      ],
    }),
  );
  const out = join(dir, 'out');
  await run(process.execPath, [CLI, '--config', settings, '--out', out]);

  const queues = await readFile(join(out, 'dashboards', 'queues.json'), 'utf8');
  expect(queues).toContain('messaging_consumer_lag_seconds_bucket{namespace=\\"shop\\"');
  expect(queues).toContain('https://runbooks.shop.example/faultline/');
  const slo = await readFile(join(out, 'dashboards', 'slo.json'), 'utf8');
  expect(slo).toContain('order-api-availability — objective 99.9% over 30d');
  expect(slo).toContain('payment-availability — objective 99.9% over 30d');
  expect(slo).toContain('service=\\"payment-service\\"');

  const maps = parseAllDocuments(await readFile(join(out, 'dashboards', 'configmaps.yaml'), 'utf8')).map(
    (d) => d.toJS() as { metadata: { namespace: string; labels: Record<string, string> } },
  );
  expect(maps).toHaveLength(5);
  for (const map of maps)
    expect(map.metadata).toMatchObject({ namespace: 'shop-monitoring', labels: { grafana_dashboard: '1' } });

  const rules = await readFile(join(out, 'alerts', 'rules', 'slo.rules.yml'), 'utf8');
  expect(rules).toContain('name: faultline-slo-payment-availability');
  expect(rules).toContain('sum by (service, namespace)');
  expect(await readFile(join(out, 'alerts', 'prometheusrule.yaml'), 'utf8')).toContain(
    'namespace: shop-monitoring',
  );
});
