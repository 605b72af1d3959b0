import { Ajv, type ValidateFunction } from 'ajv';
import { collectorConfigSchema, componentSchemas, type Schema } from './componentSchemas.ts';
import { distributionComponents, type ComponentKind } from './distribution.ts';

/** A parsed Collector configuration, as YAML gives it. */
export type CollectorConfig = Record<string, unknown>;

const kinds: ComponentKind[] = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<Schema, ValidateFunction>();

function check(schema: Schema, value: unknown, where: string): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
    return `${where}${e.instancePath}: ${e.message ?? e.keyword}${extra}`;
  });
}

/** The component type of an id: `otlp/jaeger` is an `otlp`. */
export function componentType(id: string): string {
  return id.split('/')[0] ?? id;
}

function section(config: CollectorConfig, kind: ComponentKind): Record<string, unknown> {
  const value = config[kind];
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function checkComponents(config: CollectorConfig): string[] {
  const errors: string[] = [];
  for (const kind of kinds) {
    for (const [id, body] of Object.entries(section(config, kind))) {
      const type = componentType(id);
      if (!(distributionComponents[kind] as readonly string[]).includes(type)) {
        errors.push(`${kind}.${id}: type "${type}" is not in the pinned Collector distribution`);
      }
      const schema = componentSchemas[kind]?.[type];
      if (!schema) {
        errors.push(
          `${kind}.${id}: no schema encoded for "${type}"; add it to collector/componentSchemas.ts`,
        );
        continue;
      }
      // An empty section (`batch:`) is null in YAML and means "all defaults".
      errors.push(...check(schema, body ?? {}, `${kind}.${id}`));
    }
  }
  return errors;
}

type Pipeline = { receivers?: string[]; processors?: string[]; exporters?: string[] };

function checkReferences(config: CollectorConfig): string[] {
  const errors: string[] = [];
  const service = (config.service ?? {}) as { extensions?: string[]; pipelines?: Record<string, Pipeline> };
  const used = new Set<string>();
  for (const id of service.extensions ?? []) {
    used.add(`extensions.${id}`);
    if (!(id in section(config, 'extensions'))) errors.push(`service.extensions: "${id}" is not defined`);
  }
  for (const [name, pipeline] of Object.entries(service.pipelines ?? {})) {
    for (const role of ['receivers', 'processors', 'exporters'] as const) {
      for (const id of pipeline[role] ?? []) {
        const definedAs = (
          ['receivers', 'exporters'].includes(role) ? [role, 'connectors'] : [role]
        ) as ComponentKind[];
        const kind = definedAs.find((k) => id in section(config, k));
        if (kind) used.add(`${kind}.${id}`);
        else errors.push(`service.pipelines.${name}.${role}: "${id}" is not defined`);
      }
    }
  }
  for (const kind of kinds) {
    for (const id of Object.keys(section(config, kind))) {
      if (!used.has(`${kind}.${id}`)) errors.push(`${kind}.${id}: defined but used by no pipeline`);
    }
  }
  return errors;
}

function checkProcessorOrder(config: CollectorConfig): string[] {
  const errors: string[] = [];
  const pipelines = ((config.service ?? {}) as { pipelines?: Record<string, Pipeline> }).pipelines ?? {};
  for (const [name, pipeline] of Object.entries(pipelines)) {
    const types = (pipeline.processors ?? []).map(componentType);
    if (types[0] !== 'memory_limiter')
      errors.push(`service.pipelines.${name}: memory_limiter must come first`);
    if (types.at(-1) !== 'batch') errors.push(`service.pipelines.${name}: batch must come last`);
  }
  return errors;
}

/**
 * Checks a Collector configuration as far as it can be checked without the Collector:
 * the top level and `service` section, every component's keys against its encoded schema,
 * that every component type is in the pinned distribution, that every pipeline reference
 * resolves and every defined component is used, and that each pipeline starts with
 * `memory_limiter` and ends with `batch`. Returns one message per problem; empty means valid.
 */
export function validateCollectorConfig(config: CollectorConfig): string[] {
  const structural = check(collectorConfigSchema, config, '');
  return [
    ...structural,
    ...checkComponents(config),
    ...checkReferences(config),
    ...checkProcessorOrder(config),
  ];
}
