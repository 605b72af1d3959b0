import type { ElasticsearchDistribution } from './coreIndexTemplate.ts';

/** Where the setup step finds Elasticsearch and Kibana, parsed from the environment. */
export interface SetupConfig {
  readonly elasticsearchUrl: string;
  readonly elasticsearchApiKey?: string;
  /** Which Elasticsearch it is (`FAULTLINE_ELASTICSEARCH_DISTRIBUTION`, default `default`). */
  readonly elasticsearchDistribution: ElasticsearchDistribution;
  /** When set, the Kibana saved objects are imported too. */
  readonly kibanaUrl?: string;
  readonly kibanaApiKey?: string;
  /** How long to wait for Elasticsearch and Kibana to answer before giving up. */
  readonly timeoutMs: number;
}

function url(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  try {
    return new URL(value).toString();
  } catch {
    throw new Error(
      `${name} must be an absolute http(s) URL such as http://elasticsearch:9200; got "${value}"`,
    );
  }
}

/** Parses the setup step's environment; throws one message naming the variable at fault. */
export function parseSetupConfig(env: NodeJS.ProcessEnv = process.env): SetupConfig {
  const timeout = Number(env.FAULTLINE_SETUP_TIMEOUT_MS ?? '120000');
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new Error(
      `FAULTLINE_SETUP_TIMEOUT_MS must be a positive integer of milliseconds; got "${env.FAULTLINE_SETUP_TIMEOUT_MS}"`,
    );
  }
  const distribution = env.FAULTLINE_ELASTICSEARCH_DISTRIBUTION || 'default';
  if (distribution !== 'default' && distribution !== 'core') {
    throw new Error(`FAULTLINE_ELASTICSEARCH_DISTRIBUTION must be default or core; got "${distribution}"`);
  }
  const kibanaUrl = url(env, 'FAULTLINE_KIBANA_URL');
  return {
    elasticsearchUrl: url(env, 'FAULTLINE_ELASTICSEARCH_URL') ?? 'http://127.0.0.1:9200/',
    elasticsearchDistribution: distribution,
    ...(env.FAULTLINE_ELASTICSEARCH_API_KEY
      ? { elasticsearchApiKey: env.FAULTLINE_ELASTICSEARCH_API_KEY }
      : {}),
    ...(kibanaUrl ? { kibanaUrl } : {}),
    ...(env.FAULTLINE_KIBANA_API_KEY ? { kibanaApiKey: env.FAULTLINE_KIBANA_API_KEY } : {}),
    timeoutMs: timeout,
  };
}
