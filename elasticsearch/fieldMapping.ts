import type { estypes } from '@elastic/elasticsearch';
import { indexTemplate } from './indexTemplate.ts';

/**
 * The mapping the log index template gives a dotted field name (`trace.id`), found by
 * following the nested `properties`; undefined when the template does not map it.
 */
export function fieldMapping(field: string): estypes.MappingProperty | undefined {
  let level: Record<string, estypes.MappingProperty> | undefined = indexTemplate.template.mappings.properties;
  let found: estypes.MappingProperty | undefined;
  for (const part of field.split('.')) {
    found = level?.[part];
    level = found && 'properties' in found ? found.properties : undefined;
  }
  return found;
}
