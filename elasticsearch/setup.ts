import { elasticsearchAssets } from './assets.ts';

/** How to reach Elasticsearch. */
export interface ElasticsearchSetupOptions {
  /** An API key (the base64 `id:key` form) sent as `Authorization: ApiKey <key>`. */
  readonly apiKey?: string;
  /** Aborts the requests, e.g. on a deadline. */
  readonly signal?: AbortSignal;
}

/** Elasticsearch refused or failed a setup request; says which one and what it answered. */
export class ElasticsearchSetupError extends Error {
  readonly status: number;
  readonly path: string;
  readonly responseBody: string;

  constructor(path: string, status: number, responseBody: string) {
    super(
      `Elasticsearch setup failed: PUT ${path} answered ${status}: ${responseBody.slice(0, 500)}. ` +
        'Check the URL, the API key privileges (manage_ilm, manage_index_templates) and the request body.',
    );
    this.name = 'ElasticsearchSetupError';
    this.status = status;
    this.path = path;
    this.responseBody = responseBody;
  }
}

/**
 * Installs Faultline's log assets in the Elasticsearch at `url`: the `faultline-logs` lifecycle
 * policy, then the `logs-faultline` index template. Every request is an idempotent `PUT`, so
 * running it again updates the assets in place. Resolves with the paths it installed; throws
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
  for (const asset of elasticsearchAssets) {
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
