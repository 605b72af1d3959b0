import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { BACKENDS, promtoolPath } from '../backends/index.ts';
import {
  HEALTHCHECK_EXEMPT,
  checkDependencies,
  checkHealthAndRestart,
  checkImages,
  checkNoSecrets,
  checkSecrets,
  checkVolumes,
  isPinned,
  type ComposeFile,
} from './composeChecks.ts';

const run = promisify(execFile);
const root = join(__dirname, '..');
const composePath = join(root, 'docker-compose.yml');

/** The compose file as a Compose implementation sees it: anchors and `<<` merge keys resolved. */
function loadCompose(): ComposeFile {
  return parse(readFileSync(composePath, 'utf8'), { merge: true, maxAliasCount: -1 }) as ComposeFile;
}

function env(service: string): Record<string, string> {
  return (loadCompose().services[service]?.environment ?? {}) as Record<string, string>;
}

/** The Compose Specification's JSON schema (compose-spec.json), as the dclint package ships it. */
function composeSchemaValidator() {
  const schema = JSON.parse(
    readFileSync(join(root, 'node_modules', 'dclint', 'schemas', 'compose.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  // The schema is draft-07, ajv's default dialect; its `$schema` spelling (https, no `#`) is
  // not one ajv registers, so it is dropped rather than resolved.
  delete schema.$schema;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

describe('docker-compose.yml against the Compose Specification', () => {
  it('validates against the Compose Specification JSON schema (compose-spec.json, as shipped by dclint)', () => {
    const validate = composeSchemaValidator();
    const valid = validate(loadCompose());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema rejects a key the specification does not define', () => {
    const compose = loadCompose();
    (compose.services.redis as Record<string, unknown>).restart_policy = 'always';
    const validate = composeSchemaValidator();
    expect(validate(compose)).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({
        instancePath: '/services/redis',
        params: { additionalProperty: 'restart_policy' },
      }),
    );
  });

  it('passes dclint with no error and no warning (ordering rules off: compose/dclint.json)', async () => {
    const dclint = join(root, 'node_modules', '.bin', 'dclint');
    await expect(
      run(dclint, [
        composePath,
        '-c',
        join(__dirname, 'dclint.json'),
        '--max-warnings',
        '0',
        '--color',
        'false',
      ]),
    ).resolves.toBeDefined();
  });
});

describe('docker-compose.yml semantics', () => {
  it('pins every image to an exact version', () => {
    expect(checkImages(loadCompose())).toEqual([]);
  });

  it('has every depends_on point at a service that can meet the condition', () => {
    expect(checkDependencies(loadCompose())).toEqual([]);
  });

  it('gives every service a health check (exemptions are listed with a reason) and a restart policy', () => {
    expect(checkHealthAndRestart(loadCompose())).toEqual([]);
    for (const exempt of Object.keys(HEALTHCHECK_EXEMPT))
      expect(loadCompose().services).toHaveProperty(exempt);
  });

  it('mounts only host paths that exist in the repository, and declares every named volume it uses', () => {
    expect(checkVolumes(loadCompose(), root)).toEqual([]);
  });

  it('reads every secret from a file, by default a git-ignored one under compose/secrets', async () => {
    const compose = loadCompose();
    expect(checkSecrets(compose)).toEqual([]);
    for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
      const defaultPath = /^\$\{[A-Z_]+:-(\.\/compose\/secrets\/[a-z-]+)\}$/.exec(secret.file ?? '')?.[1];
      expect([name, defaultPath]).toEqual([name, `./compose/secrets/${name}`]);
      await expect(run('git', ['check-ignore', '-q', defaultPath!], { cwd: root })).resolves.toBeDefined();
    }
  });

  it('contains no string that looks like a secret', () => {
    expect(checkNoSecrets(parse(readFileSync(composePath, 'utf8'), { merge: true }))).toEqual([]);
  });

  it('runs two gateways behind the load balancer and two payment consumers', () => {
    const services = loadCompose().services;
    for (const name of ['gateway-1', 'gateway-2', 'payment-service-1', 'payment-service-2', 'lb']) {
      expect(services).toHaveProperty(name);
    }
    expect(env('gateway-1').OTEL_SERVICE_NAME).toBe('gateway');
    expect(env('gateway-2')).toEqual(env('gateway-1'));
    expect(env('payment-service-2')).toEqual(env('payment-service-1'));
    const haproxy = readFileSync(join(__dirname, 'haproxy.cfg'), 'utf8');
    expect(haproxy).toMatch(/server gateway-1 gateway-1:8080/);
    expect(haproxy).toMatch(/server gateway-2 gateway-2:8080/);
    expect(haproxy).toMatch(/option httpchk GET \/readyz/);
  });

  it('points every instrumented service at the Collector, its metrics port and Elasticsearch', () => {
    const compose = loadCompose();
    const instrumented = Object.keys(compose.services).filter((name) => env(name).OTEL_SERVICE_NAME);
    expect(instrumented.sort()).toEqual(
      [
        'gateway-1',
        'gateway-2',
        'load-generator',
        'order-service',
        'payment-provider',
        'payment-service-1',
        'payment-service-2',
      ].sort(),
    );
    for (const name of instrumented) {
      expect(env(name)).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
        FAULTLINE_METRICS_PORT: '9464',
        FAULTLINE_ELASTICSEARCH_URL: 'http://elasticsearch:9200',
      });
    }
  });

  it('runs the images of the versions the tests and the demo run (backends/versions.ts)', () => {
    const services = loadCompose().services;
    expect(services['otel-collector']?.image).toBe(
      `otel/opentelemetry-collector-contrib:${BACKENDS.collector.version}`,
    );
    expect(services.jaeger?.image).toBe(`jaegertracing/jaeger:${BACKENDS.jaeger.version}`);
    expect(services.prometheus?.image).toBe(`prom/prometheus:v${BACKENDS.prometheus.version}`);
    expect(services.alertmanager?.image).toBe(`prom/alertmanager:v${BACKENDS.alertmanager.version}`);
    expect(services.elasticsearch?.image).toBe(
      `docker.elastic.co/elasticsearch/elasticsearch:${BACKENDS.elasticsearch.version}`,
    );
  });

  it('runs the Collector with collector/otel-collector.yaml', () => {
    const collector = loadCompose().services['otel-collector'];
    expect(collector?.volumes).toContain(
      './collector/otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro',
    );
  });

  it('mounts every generated dashboard and the provisioning folder into Grafana', async () => {
    const volumes = loadCompose().services.grafana?.volumes as string[];
    expect(volumes).toContain('./dashboards/provisioning:/etc/grafana/provisioning:ro');
    // A dashboard is a JSON file with panels (dashboards/ also holds the package's package.json).
    const dashboards = (await readdir(join(root, 'dashboards'))).filter(
      (f) => f.endsWith('.json') && 'panels' in JSON.parse(readFileSync(join(root, 'dashboards', f), 'utf8')),
    );
    expect(dashboards.length).toBeGreaterThan(0);
    for (const file of dashboards) {
      expect(volumes).toContain(`./dashboards/${file}:/var/lib/grafana/dashboards/${file}:ro`);
    }
  });

  it('has Prometheus scrape every instrumented instance on 9464, RabbitMQ on 15692 and the Collector on 8888', () => {
    const compose = loadCompose();
    const config = parse(readFileSync(join(__dirname, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = (job: string) =>
      config.scrape_configs.find((c) => c.job_name === job)?.static_configs.flatMap((s) => s.targets) ?? [];
    const instrumented = Object.keys(compose.services).filter((name) => env(name).OTEL_SERVICE_NAME);
    expect(targets('faultline-services').sort()).toEqual(instrumented.map((n) => `${n}:9464`).sort());
    expect(targets('rabbitmq')).toEqual(['rabbitmq:15692']);
    expect(targets('otel-collector')).toEqual(['otel-collector:8888']);
    for (const target of config.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets))) {
      const host = target.split(':')[0]!;
      if (host !== 'localhost') expect(compose.services).toHaveProperty(host);
    }
    expect(readFileSync(join(__dirname, 'enabled_plugins'), 'utf8')).toMatch(/rabbitmq_prometheus/);
  });
});

describe('the configuration files docker-compose.yml mounts, checked by their own tools', () => {
  it('compose/prometheus.yml passes promtool check config, with the mounted alerts/rules loaded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-prometheus-'));
    try {
      // The rules are mounted at /etc/prometheus/rules; point the copy at the repository's files.
      const config = (await readFile(join(__dirname, 'prometheus.yml'), 'utf8')).replace(
        '/etc/prometheus/rules/*.yml',
        join(root, 'alerts', 'rules', '*.yml'),
      );
      await writeFile(join(dir, 'prometheus.yml'), config);
      const { stdout } = await run(promtoolPath(), ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(stdout).toMatch(/SUCCESS/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('compose/haproxy.cfg passes haproxy -c (only the compose host names are unresolvable here)', async () => {
    const { stdout, stderr } = await run('haproxy', ['-c', '-f', join(__dirname, 'haproxy.cfg')]);
    expect(stdout).toMatch(/Configuration file is valid/);
    const warnings = stderr.split('\n').filter((line) => line.includes('[WARNING]'));
    for (const warning of warnings) expect(warning).toMatch(/could not resolve address 'gateway-[12]'/);
  });
});

describe('the checks catch what they are for', () => {
  it('an unpinned or latest image', () => {
    expect(isPinned('redis:latest')).toBe(false);
    expect(isPinned('redis')).toBe(false);
    expect(isPinned('redis:7')).toBe(false);
    expect(isPinned('redis:7.4.5-alpine')).toBe(true);
    expect(isPinned('postgres:15')).toBe(false);
    expect(isPinned('postgres:15.14-bookworm')).toBe(true);
    expect(isPinned(`redis@sha256:${'a'.repeat(64)}`)).toBe(true);
  });

  it('a dependency on a missing service or a service without a health check', () => {
    const compose: ComposeFile = {
      services: {
        a: {
          image: 'x:1.0.0',
          depends_on: { b: { condition: 'service_healthy' }, c: { condition: 'service_started' } },
        },
        b: { image: 'x:1.0.0' },
      },
    };
    expect(checkDependencies(compose)).toEqual([
      'a: waits for "b" to be healthy, but "b" has no health check',
      'a: depends on "c", which is not a service',
    ]);
  });

  it('an inline password, credentials in a URL, a token', () => {
    expect(
      checkNoSecrets({
        services: {
          a: {
            environment: {
              POSTGRES_PASSWORD: 'hunter2',
              DATABASE_URL: 'postgres://postgres:hunter2@postgres/db',
              X: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
            },
          },
        },
      }),
    ).toEqual([
      '.services.a.environment.POSTGRES_PASSWORD: secret-named variable set inline: POSTGRES_PASSWORD',
      '.services.a.environment.DATABASE_URL: credentials in a URL',
      '.services.a.environment.X: looks like a token',
    ]);
  });

  it('an undeclared or unused volume and a missing host path', () => {
    const compose: ComposeFile = {
      services: { a: { image: 'x:1.0.0', volumes: ['data:/data', './nope:/etc/nope'] } },
      volumes: { other: null },
    };
    expect(checkVolumes(compose, root)).toEqual([
      'a: uses volume "data", which is not declared',
      'a: mounts "./nope", which does not exist',
      'volume "other" is declared but unused',
    ]);
  });
});
