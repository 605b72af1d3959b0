import type { estypes } from '@elastic/elasticsearch';
import { indexTemplate } from './indexTemplate.ts';
import type { IndexTemplateBody } from './types.ts';

/**
 * Which Elasticsearch the assets are installed in. `default` is the distribution Elastic ships,
 * with ILM and the x-pack field types: the lifecycle policy and the template exactly as committed.
 * `core` is Elasticsearch without the x-pack and mapper-extras modules, such as the
 * integration-test distribution Faultline's tests run (`backends/elasticsearch.ts`): it has no
 * ILM API and none of the field types those modules add, so it gets {@link coreIndexTemplate}.
 */
export type ElasticsearchDistribution = 'default' | 'core';

/**
 * The core field type standing in for each module-provided type the template uses.
 * `match_only_text` is `text` stored without positions and scoring, so `text` matches the same
 * queries; `constant_keyword` is a keyword with one value per index. `wildcard`
 * (substring and regexp queries over long values) becomes a keyword that, like the template's
 * other keywords, indexes values up to 1024 characters: `error.stack_trace` keeps its full-text
 * `.text` sub-field for longer traces, and the document always keeps the whole value.
 */
export const CORE_FIELD_TYPES = {
  match_only_text: { type: 'text' },
  wildcard: { type: 'keyword', ignore_above: 1024 },
  constant_keyword: { type: 'keyword' },
} as const satisfies Record<string, estypes.MappingProperty>;

type Properties = Record<string, estypes.MappingProperty>;

function coreProperties(properties: Properties): Properties {
  return Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, coreProperty(property)]),
  );
}

function coreProperty(property: estypes.MappingProperty): estypes.MappingProperty {
  const type = property.type as string | undefined;
  const replacement =
    type !== undefined && Object.hasOwn(CORE_FIELD_TYPES, type)
      ? CORE_FIELD_TYPES[type as keyof typeof CORE_FIELD_TYPES]
      : undefined;
  const result: Record<string, unknown> = replacement ? { ...replacement } : { ...property };
  if ('properties' in property && property.properties)
    result.properties = coreProperties(property.properties);
  if ('fields' in property && property.fields) result.fields = coreProperties(property.fields);
  return result as estypes.MappingProperty;
}

/**
 * The committed index template made installable on a `core` Elasticsearch: the same pattern,
 * data stream, priority, settings and field names, without `index.lifecycle.name` (there is no
 * ILM, so backing indices are never rolled over or deleted) and with every module-provided field
 * type replaced as {@link CORE_FIELD_TYPES} says; `_meta.distribution` says so in the cluster.
 * Derived, never committed: the JSON files stay what a production cluster gets.
 */
export const coreIndexTemplate: IndexTemplateBody = (() => {
  const { lifecycle: _withoutLifecycle, ...index } = indexTemplate.template.settings.index;
  const { mappings } = indexTemplate.template;
  return {
    ...indexTemplate,
    _meta: { ...indexTemplate._meta, distribution: 'core' },
    template: {
      settings: { index },
      mappings: { ...mappings, properties: coreProperties(mappings.properties) },
    },
  };
})();
