/**
 * `npm run elasticsearch:setup`: installs the lifecycle policy and index template (only the
 * template, reduced, when FAULTLINE_ELASTICSEARCH_DISTRIBUTION=core), then (when
 * FAULTLINE_KIBANA_URL is set) imports the Kibana saved objects. Retries until the services
 * answer or FAULTLINE_SETUP_TIMEOUT_MS passes, so it can run as a one-shot compose service.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseSetupConfig } from './config.ts';
import { CORE_FIELD_TYPES } from './coreIndexTemplate.ts';
import { importKibanaSavedObjects } from './kibana/importSavedObjects.ts';
import { installElasticsearchAssets } from './setup.ts';

const config = parseSetupConfig();
const deadline = Date.now() + config.timeoutMs;

/** Runs `step` until it succeeds; a refused connection or a 5xx is retried until the deadline. */
async function untilDeadline<T>(what: string, step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const status = (error as { status?: number }).status;
      const retryable = status === undefined || status >= 500;
      if (!retryable || Date.now() > deadline) throw error;
      console.log(`${what}: not ready (attempt ${attempt}): ${(error as Error).message}`);
      await delay(Math.min(1000 * attempt, 5000));
    }
  }
}

if (config.elasticsearchDistribution === 'core') {
  const types = Object.entries(CORE_FIELD_TYPES).map(([from, to]) => `${from} as ${to.type}`);
  console.warn(
    'Elasticsearch: FAULTLINE_ELASTICSEARCH_DISTRIBUTION=core: no lifecycle policy (logs are never rolled over ' +
      `or deleted) and core field types (${types.join(', ')}); use it for test clusters only`,
  );
}
const installed = await untilDeadline('Elasticsearch', () =>
  installElasticsearchAssets(config.elasticsearchUrl, {
    apiKey: config.elasticsearchApiKey,
    distribution: config.elasticsearchDistribution,
  }),
);
console.log(`Elasticsearch: installed ${installed.join(', ')}`);

if (config.kibanaUrl) {
  const kibanaUrl = config.kibanaUrl;
  const file = join(import.meta.dirname, 'kibana', 'saved-objects.ndjson');
  const count = await untilDeadline('Kibana', () =>
    importKibanaSavedObjects(kibanaUrl, file, { apiKey: config.kibanaApiKey }),
  );
  console.log(`Kibana: imported ${count} saved objects from ${file}`);
}
