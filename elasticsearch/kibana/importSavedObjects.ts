import { readFile } from 'node:fs/promises';

/** How to reach Kibana. */
export interface KibanaImportOptions {
  /** An API key sent as `Authorization: ApiKey <key>`. */
  readonly apiKey?: string;
  readonly signal?: AbortSignal;
}

/** Kibana refused the import, or imported only some objects; carries its answer. */
export class KibanaImportError extends Error {
  readonly status: number;
  readonly responseBody: string;

  constructor(status: number, responseBody: string) {
    super(`Kibana saved objects import failed (${status}): ${responseBody.slice(0, 500)}`);
    this.name = 'KibanaImportError';
    this.status = status;
    this.responseBody = responseBody;
  }
}

/**
 * Imports the saved objects of `file` (the committed one is `elasticsearch/kibana/saved-objects.ndjson`:
 * the log data view and the saved searches) into the Kibana at `url` through `POST /api/saved_objects/_import`
 * with `overwrite=true`, so importing again replaces them with the committed version. Resolves
 * with the number of objects imported; throws `KibanaImportError` when Kibana answers non-2xx
 * or reports `success: false`.
 */
export async function importKibanaSavedObjects(
  url: string,
  file: string,
  options: KibanaImportOptions = {},
): Promise<number> {
  const ndjson = await readFile(file);
  const form = new FormData();
  form.append('file', new Blob([ndjson], { type: 'application/ndjson' }), 'saved-objects.ndjson');
  const headers: Record<string, string> = { 'kbn-xsrf': 'true' };
  if (options.apiKey) headers.authorization = `ApiKey ${options.apiKey}`;
  const response = await fetch(new URL('/api/saved_objects/_import?overwrite=true', url), {
    method: 'POST',
    headers,
    body: form,
    signal: options.signal ?? null,
  });
  const body = await response.text();
  if (!response.ok) throw new KibanaImportError(response.status, body);
  const result = JSON.parse(body) as { success?: boolean; successCount?: number };
  if (result.success !== true) throw new KibanaImportError(response.status, body);
  return result.successCount ?? 0;
}
