/**
 * Index templates, component templates and ILM policies that a setup step PUTs, kept so tests
 * can assert on them and GET answers like a real cluster. Bodies are checked against the
 * top-level fields Elasticsearch accepts, so a typo fails as it would against a real node.
 */
import { EsRequestError } from './esErrors.ts';

/** The three kinds of cluster settings the receiver records. */
export type SettingsKind = 'index_template' | 'component_template' | 'ilm_policy';

const FIELDS: Readonly<Record<SettingsKind, ReadonlySet<string>>> = {
  index_template: new Set([
    'index_patterns',
    'template',
    'composed_of',
    'priority',
    'version',
    '_meta',
    'data_stream',
    'allow_auto_create',
    'ignore_missing_component_templates',
    'deprecated',
  ]),
  component_template: new Set(['template', 'version', '_meta', 'deprecated']),
  ilm_policy: new Set(['policy']),
};
const REQUIRED: Readonly<Record<SettingsKind, string>> = {
  index_template: 'index_patterns',
  component_template: 'template',
  ilm_policy: 'policy',
};

/** Stored bodies per kind and name; the latest PUT wins, as in Elasticsearch. */
export class SettingsRegistry {
  readonly #bodies: Record<SettingsKind, Map<string, Record<string, unknown>>> = {
    index_template: new Map(),
    component_template: new Map(),
    ilm_policy: new Map(),
  };

  /** Validates and stores a PUT body. Throws EsRequestError (400) for an invalid one. */
  put(kind: SettingsKind, name: string, body: unknown): void {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new EsRequestError(400, 'parse_exception', `request body for [${name}] must be a JSON object`);
    }
    for (const field of Object.keys(body)) {
      if (!FIELDS[kind].has(field)) {
        throw new EsRequestError(
          400,
          'x_content_parse_exception',
          `[1:2] [${kind}] unknown field [${field}]`,
        );
      }
    }
    if (!(REQUIRED[kind] in body)) {
      throw new EsRequestError(
        400,
        'action_request_validation_exception',
        `Validation Failed: 1: ${REQUIRED[kind]} is missing;`,
      );
    }
    this.#bodies[kind].set(name, body as Record<string, unknown>);
  }

  /** Deletes one entry; throws EsRequestError (404) when it does not exist. */
  delete(kind: SettingsKind, name: string): void {
    if (!this.#bodies[kind].delete(name)) throw notFound(kind, name);
  }

  /** All stored bodies of a kind, by name. */
  all(kind: SettingsKind): Record<string, Record<string, unknown>> {
    return Object.fromEntries(this.#bodies[kind]);
  }

  /**
   * The GET answer for `pattern` (a name, a `*` glob, a comma list, or undefined for all), shaped
   * as Elasticsearch's. Throws EsRequestError (404) when an explicit name matches nothing.
   */
  getResponse(kind: SettingsKind, pattern: string | undefined): Record<string, unknown> {
    const matches = [...this.#bodies[kind]].filter(([name]) => matchesAny(name, pattern));
    if (matches.length === 0 && pattern !== undefined && !pattern.includes('*'))
      throw notFound(kind, pattern);
    if (kind === 'ilm_policy') {
      return Object.fromEntries(
        matches.map(([name, body]) => [
          name,
          { version: 1, modified_date: new Date().toISOString(), policy: body.policy },
        ]),
      );
    }
    const entries = matches.map(([name, body]) => ({ name, [kind]: body }));
    return kind === 'index_template' ? { index_templates: entries } : { component_templates: entries };
  }

  /** Forgets everything. */
  clear(): void {
    for (const map of Object.values(this.#bodies)) map.clear();
  }
}

function matchesAny(name: string, pattern: string | undefined): boolean {
  if (pattern === undefined || pattern === '' || pattern === '_all') return true;
  return pattern.split(',').some((part) => {
    const escaped = part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
    return new RegExp(`^${escaped}$`).test(name);
  });
}

function notFound(kind: SettingsKind, name: string): EsRequestError {
  if (kind === 'ilm_policy') {
    return new EsRequestError(404, 'resource_not_found_exception', `Lifecycle policy not found: ${name}`);
  }
  return new EsRequestError(
    404,
    'resource_not_found_exception',
    `${kind.replace('_', ' ')} matching [${name}] not found`,
  );
}
