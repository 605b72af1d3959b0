/** Routes `/_index_template`, `/_component_template` and `/_ilm/policy` onto a SettingsRegistry. */
import type { SettingsKind, SettingsRegistry } from './SettingsRegistry.ts';

/** What a settings route answers: a status and a JSON body (null for HEAD). */
export interface SettingsAnswer {
  readonly status: number;
  readonly body: unknown;
}

const PREFIXES: readonly (readonly [string, SettingsKind])[] = [
  ['/_index_template', 'index_template'],
  ['/_component_template', 'component_template'],
  ['/_ilm/policy', 'ilm_policy'],
];

/** The settings kind and optional name a path addresses, or undefined for other paths. */
export function matchSettingsPath(
  pathname: string,
): { kind: SettingsKind; name: string | undefined } | undefined {
  for (const [prefix, kind] of PREFIXES) {
    if (pathname === prefix) return { kind, name: undefined };
    if (pathname.startsWith(`${prefix}/`)) {
      const name = decodeURIComponent(pathname.slice(prefix.length + 1));
      if (name !== '' && !name.includes('/')) return { kind, name };
    }
  }
  return undefined;
}

/**
 * Answers one settings request. `body` is the parsed JSON body of a PUT/POST.
 * Throws EsRequestError for invalid bodies, unknown names, and methods the route does not have.
 */
export function answerSettings(
  registry: SettingsRegistry,
  method: string,
  target: { kind: SettingsKind; name: string | undefined },
  body: unknown,
): SettingsAnswer {
  const { kind, name } = target;
  if ((method === 'PUT' || method === 'POST') && name !== undefined) {
    registry.put(kind, name, body);
    return { status: 200, body: { acknowledged: true } };
  }
  if (method === 'GET') return { status: 200, body: registry.getResponse(kind, name) };
  if (method === 'HEAD') {
    registry.getResponse(kind, name);
    return { status: 200, body: null };
  }
  if (method === 'DELETE' && name !== undefined) {
    registry.delete(kind, name);
    return { status: 200, body: { acknowledged: true } };
  }
  return {
    status: 405,
    body: { error: `Incorrect HTTP method for uri and method [${method}]`, status: 405 },
  };
}
