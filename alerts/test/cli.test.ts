/**
 * `faultline-alerts --config my-settings.json`: a user's own settings reach every generated file
 * without editing the repository, the PrometheusRule holds exactly the plain files' groups,
 * promtool and amtool accept the output, and a wrong setting fails with one message naming it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { amtoolPath, promtoolPath } from '../../backends/index.ts';

const run = promisify(execFile);
const CLI = join(__dirname, '..', 'src', 'cli.ts');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-alerts-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('generates rules, a PrometheusRule and alertmanager.yml from my settings', async () => {
  const settings = join(dir, 'my-settings.json');
  await writeFile(
    settings,
    JSON.stringify({
      selectors: { services: 'namespace="shop"', targets: 'namespace="shop"' },
      groupingLabels: ['namespace'],
      thresholds: { breakerOpenFor: '1m' },
      runbookBaseUrl: 'https://runbooks.shop.example/faultline',
      namespace: 'shop-monitoring',
      alertmanager: {
        heartbeatUrl: 'https://hc-ping.example.org/abc',
        warning: { kind: 'slack', apiUrlFile: '/etc/am/slack', channel: '#shop' },
      },
    }),
  );
  const out = join(dir, 'out');
  await run(process.execPath, [CLI, '--config', settings, '--out', out]);

  const ruleNames = (await readdir(join(out, 'rules'))).sort();
  expect(ruleNames).toContain('circuit-breakers.rules.yml');
  const breakers = await readFile(join(out, 'rules', 'circuit-breakers.rules.yml'), 'utf8');
  expect(breakers).toContain('circuit_breaker_state{namespace="shop", state=~"open|half_open"}');
  expect(breakers).toContain('for: 1m');
  expect(breakers).toContain('https://runbooks.shop.example/faultline/CircuitBreakerOpen.md');

  const manifest = parse(await readFile(join(out, 'prometheusrule.yaml'), 'utf8')) as {
    kind: string;
    metadata: { namespace: string };
    spec: { groups: unknown[] };
  };
  expect(manifest.kind).toBe('PrometheusRule');
  expect(manifest.metadata.namespace).toBe('shop-monitoring');
  const plainGroups = await Promise.all(
    ruleNames.map(
      async (name) =>
        (parse(await readFile(join(out, 'rules', name), 'utf8')) as { groups: unknown[] }).groups,
    ),
  );
  expect(
    [...manifest.spec.groups].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  ).toEqual(plainGroups.flat().sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));

  const { stdout: checked } = await run(promtoolPath(), [
    'check',
    'rules',
    ...ruleNames.map((n) => join(out, 'rules', n)),
  ]);
  expect(checked).toMatch(/SUCCESS/);
  const am = await readFile(join(out, 'alertmanager.yml'), 'utf8');
  expect(am).toContain('api_url_file: /etc/am/slack');
  expect(am).toContain('url: https://hc-ping.example.org/abc');
  const { stdout: amChecked } = await run(amtoolPath(), ['check-config', join(out, 'alertmanager.yml')]);
  expect(amChecked).toMatch(/SUCCESS/);
});

test('refuses an unknown setting with one message naming it', async () => {
  const settings = join(dir, 'typo.json');
  await writeFile(settings, JSON.stringify({ thresholds: { breakerOpenFr: '1m' } }));
  const failed = await run(process.execPath, [CLI, '--config', settings, '--out', join(dir, 'typo')]).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  expect(failed?.code).toBe(2);
  expect(failed?.stderr).toMatch(/thresholds\.breakerOpenFr is not a setting; accepted: serviceDownFor, /);
});
