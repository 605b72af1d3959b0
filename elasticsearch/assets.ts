import { coreIndexTemplate, type ElasticsearchDistribution } from './coreIndexTemplate.ts';
import { ILM_POLICY_NAME, ilmPolicy } from './ilmPolicy.ts';
import { INDEX_TEMPLATE_NAME, indexTemplate } from './indexTemplate.ts';

/** One Elasticsearch asset: the request that installs it and the JSON file it is committed as. */
export interface ElasticsearchAsset {
  /** File under `elasticsearch/` holding the request body. */
  readonly file: string;
  /** Path of the idempotent `PUT` that installs it. */
  readonly path: string;
  readonly body: object;
}

/**
 * Every asset, in installation order: the lifecycle policy before the index template that
 * names it, so the first backing index already finds its policy.
 */
export const elasticsearchAssets: readonly ElasticsearchAsset[] = [
  { file: 'ilm-policy.json', path: `/_ilm/policy/${ILM_POLICY_NAME}`, body: ilmPolicy },
  { file: 'index-template.json', path: `/_index_template/${INDEX_TEMPLATE_NAME}`, body: indexTemplate },
];

/**
 * The requests that install the assets in a `distribution`: every committed asset for
 * `default`; for `core`, only the index template, as {@link coreIndexTemplate} (its `file` names
 * the committed file it is derived from).
 */
export function assetsFor(distribution: ElasticsearchDistribution): readonly ElasticsearchAsset[] {
  if (distribution === 'default') return elasticsearchAssets;
  return [
    { file: 'index-template.json', path: `/_index_template/${INDEX_TEMPLATE_NAME}`, body: coreIndexTemplate },
  ];
}
