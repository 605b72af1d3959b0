/**
 * Checks the provisioning files against what Grafana's provisioning documentation requires
 * ("Provision Grafana": data sources and dashboard providers; the Prometheus, Jaeger and
 * Elasticsearch data source pages for their jsonData), and against Faultline's own contract:
 * fixed UIDs, ECS field names from the catalogue, the mount path compose uses.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { logFields } from '../src/catalogue.ts';
import { datasourceUids } from '../src/config.ts';

const provisioningDir = path.join(__dirname, '..', 'provisioning');

type Yaml = Record<string, unknown>;

interface Datasource extends Yaml {
  name: string;
  type: string;
  uid: string;
  jsonData: Yaml;
}

async function load(file: string): Promise<{ text: string; doc: Yaml }> {
  const text = await readFile(path.join(provisioningDir, file), 'utf8');
  return { text, doc: parse(text) as Yaml };
}

// The keys the documentation's example data source config file lists.
const DATASOURCE_KEYS = [
  'name',
  'type',
  'access',
  'orgId',
  'uid',
  'url',
  'user',
  'database',
  'basicAuth',
  'basicAuthUser',
  'withCredentials',
  'isDefault',
  'jsonData',
  'secureJsonData',
  'version',
  'editable',
];

describe('provisioning/datasources/datasources.yml', () => {
  let text: string;
  let doc: Yaml;
  let datasources: Datasource[];
  const byUid = (uid: string): Datasource => {
    const found = datasources.find((d) => d.uid === uid);
    if (!found) throw new Error(`no datasource with uid ${uid}`);
    return found;
  };

  beforeAll(async () => {
    ({ text, doc } = await load('datasources/datasources.yml'));
    datasources = doc.datasources as Datasource[];
  });

  it('is a version 1 config file with only the documented top-level keys', () => {
    expect(doc.apiVersion).toBe(1);
    expect(
      Object.keys(doc).every((k) => ['apiVersion', 'datasources', 'deleteDatasources', 'prune'].includes(k)),
    ).toBe(true);
  });

  it('gives every data source the required name, type and access, and only documented keys', () => {
    for (const d of datasources) {
      expect(typeof d.name).toBe('string');
      expect(typeof d.type).toBe('string');
      expect(['proxy', 'direct']).toContain(d.access);
      expect(Object.keys(d).filter((k) => !DATASOURCE_KEYS.includes(k))).toEqual([]);
    }
    expect(new Set(datasources.map((d) => d.name)).size).toBe(datasources.length);
    expect(datasources.filter((d) => d.isDefault === true)).toHaveLength(1);
  });

  it('provisions Prometheus, Jaeger and Elasticsearch under the fixed UIDs the dashboards use', () => {
    expect(datasources.map((d) => [d.uid, d.type])).toEqual([
      [datasourceUids.prometheus, 'prometheus'],
      [datasourceUids.jaeger, 'jaeger'],
      [datasourceUids.elasticsearch, 'elasticsearch'],
    ]);
  });

  it('links Prometheus exemplars to Jaeger by the trace_id exemplar label', () => {
    expect(byUid(datasourceUids.prometheus).jsonData.exemplarTraceIdDestinations).toEqual([
      expect.objectContaining({ name: 'trace_id', datasourceUid: datasourceUids.jaeger }),
    ]);
  });

  it('links Jaeger spans to the Elasticsearch log records of their trace (ECS trace.id)', () => {
    const tracesToLogs = byUid(datasourceUids.jaeger).jsonData.tracesToLogsV2 as Yaml;
    expect(tracesToLogs).toMatchObject({
      datasourceUid: datasourceUids.elasticsearch,
      filterByTraceID: true,
      customQuery: true,
    });
    expect(tracesToLogs.query).toBe(`${logFields.traceId}:"$\${__span.traceId}"`);
  });

  it('reads ECS log records from the logs-faultline-* data stream and links trace.id to Jaeger', () => {
    const es = byUid(datasourceUids.elasticsearch).jsonData;
    expect(es).toMatchObject({
      index: 'logs-faultline-*',
      timeField: logFields.timestamp,
      logMessageField: logFields.message,
      logLevelField: logFields.level,
    });
    expect(es.dataLinks).toEqual([
      expect.objectContaining({
        field: logFields.traceId,
        datasourceUid: datasourceUids.jaeger,
        url: '$${__value.raw}',
      }),
    ]);
  });

  it('refers only to data sources it provisions', () => {
    const uids = new Set(datasources.map((d) => d.uid));
    const referenced = [...text.matchAll(/datasourceUid:\s*(\S+)/g)].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThanOrEqual(3);
    for (const uid of referenced) expect(uids).toContain(uid);
  });

  it('writes every Grafana macro as $${...}, so provisioning does not expand it as an environment variable', () => {
    // Grafana expands $VAR and ${VAR} in provisioning values; a literal $ is written $$.
    const values = text.split('\n').filter((line) => !line.trimStart().startsWith('#'));
    for (const line of values) expect(line).not.toMatch(/(?<!\$)\$(\{|[A-Za-z_])/);
  });
});

describe('provisioning/dashboards/dashboards.yml', () => {
  const PROVIDER_KEYS = [
    'name',
    'orgId',
    'folder',
    'folderUid',
    'type',
    'disableDeletion',
    'updateIntervalSeconds',
    'allowUiUpdates',
    'options',
  ];

  it('has one uniquely named file provider reading the JSON where compose mounts it', async () => {
    const { doc } = await load('dashboards/dashboards.yml');
    expect(doc.apiVersion).toBe(1);
    const providers = doc.providers as Yaml[];
    expect(providers).toHaveLength(1);
    const [provider] = providers as [Yaml];
    expect(typeof provider.name).toBe('string');
    expect(provider.type).toBe('file');
    expect(Object.keys(provider).filter((k) => !PROVIDER_KEYS.includes(k))).toEqual([]);
    const options = provider.options as Yaml;
    expect(options.path).toBe('/var/lib/grafana/dashboards');
    expect(Object.keys(options).filter((k) => !['path', 'foldersFromFilesStructure'].includes(k))).toEqual(
      [],
    );
    // Grafana ignores foldersFromFilesStructure unless folder and folderUid are empty.
    if (options.foldersFromFilesStructure === true) expect(provider.folder ?? '').toBe('');
  });
});
