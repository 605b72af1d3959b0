import type { estypes } from '@elastic/elasticsearch';
import { indexTemplate } from './indexTemplate.ts';

/**
 * The mapping the log index template gives a dotted field name (`trace.id`), found by
 * following the nested `properties`; undefined when the template does not map it. `mappings`
 * may be any other mappings of the same shape: `coreIndexTemplate`'s, or what Elasticsearch
 * answers to `GET <index>/_mapping`.
 */
export function fieldMapping(
  field: string,
  mappings: estypes.MappingTypeMapping = indexTemplate.template.mappings,
): estypes.MappingProperty | undefined {
  let level: Record<string, estypes.MappingProperty> | undefined = mappings.properties;
  let found: estypes.MappingProperty | undefined;
  for (const part of field.split('.')) {
    found = level?.[part];
    level = found && 'properties' in found ? found.properties : undefined;
  }
  return found;
}

/**
 * Every field `mappings` maps, by dotted name, with its mapping (multi-fields stay with their
 * field); object fields are followed, not listed. Lets a test compare what Elasticsearch stored
 * with what the template declares, field by field.
 */
export function mappedFields(
  mappings: estypes.MappingTypeMapping,
  prefix = '',
): Record<string, estypes.MappingProperty> {
  const fields: Record<string, estypes.MappingProperty> = {};
  for (const [name, property] of Object.entries(mappings.properties ?? {})) {
    if ('properties' in property && property.properties) {
      Object.assign(fields, mappedFields(property, `${prefix}${name}.`));
    } else {
      fields[`${prefix}${name}`] = property;
    }
  }
  return fields;
}
