import { assetsFor } from './assets.ts';
import type { ElasticsearchDistribution } from './coreIndexTemplate.ts';

/** How to reach Elasticsearch, and which one it is. */
export interface ElasticsearchSetupOptions {
  /** An API key (the base64 `id:key` form) sent as `Authorization: ApiKey <key>`. */
  readonly apiKey?: string;
  /** Aborts the requests, e.g. on a deadline. */
  readonly signal?: AbortSignal;
  /**
   * `default` (the default) installs every asset as committed; `core` installs the index
   * template without lifecycle and with core field types (see `coreIndexTemplate`).
   */
  readonly distribution?: ElasticsearchDistribution;
}

/**
 * What to do when an answer shows an Elasticsearch without ILM or without the x-pack field
 * types (no `_ilm` handler, an unknown `index.lifecycle.name` setting, an unknown mapper type);
 * undefined for any other answer.
 */
export function missingFeatureHint(responseBody: string): string | undefined {
  const missing =
    /no handler found for uri \[\/_ilm|unknown setting \[index\.lifecycle\.name\]|mapper type \[\w+\] declared on field/;
  if (!missing.test(responseBody)) return undefined;
  return (
    'This Elasticsearch lacks ILM or field types of the x-pack and mapper-extras modules (an integration-test or OSS build?). ' +
    "To install the template without them, set FAULTLINE_ELASTICSEARCH_DISTRIBUTION=core (in code: { distribution: 'core' })."
  );
}

/** Elasticsearch refused or failed a setup request; says which one and what it answered. */
export class ElasticsearchSetupError extends Error {
  readonly status: number;
  readonly path: string;
  readonly responseBody: string;

  constructor(path: string, status: number, responseBody: string) {
    super(
      `Elasticsearch setup failed: PUT ${path} answered ${status}: ${responseBody.slice(0, 500)}. ` +
        (missingFeatureHint(responseBody) ??
          'Check the URL, the API key privileges (manage_ilm, manage_index_templates) and the request body.'),
    );
    this.name = 'ElasticsearchSetupError';
    this.status = status;
    this.path = path;
    this.responseBody = responseBody;
  }
}

/**
 * Installs Faultline's log assets in the Elasticsearch at `url`: the `faultline-logs` lifecycle
 * policy, then the `logs-faultline` index template (with `distribution: 'core'`, only the
 * template as `coreIndexTemplate`). Every request is an idempotent `PUT`, so running it again
 * updates the assets in place. Resolves with the paths it installed; throws
 * `ElasticsearchSetupError` on the first non-2xx answer and the fetch error when Elasticsearch
 * cannot be reached.
 */
export async function installElasticsearchAssets(
  url: string,
  options: ElasticsearchSetupOptions = {},
): Promise<string[]> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `ApiKey ${options.apiKey}`;
  const installed: string[] = [];
  for (const asset of assetsFor(options.distribution ?? 'default')) {
    const response = await fetch(new URL(asset.path, url), {
      method: 'PUT',
      headers,
      body: JSON.stringify(asset.body),
      signal: options.signal ?? null,
    });
    const body = await response.text();
    if (!response.ok) throw new ElasticsearchSetupError(asset.path, response.status, body);
    installed.push(asset.path);
  }
  return installed;
}
