/**
 * Substitutes Grafana's template variables in a query the way a verification or preview run
 * needs: dashboard variables by a chosen value (by default what "All" means, `.*`) and
 * Grafana's built-in macros by fixed windows. An unknown variable throws, so a query that
 * refers to a variable its dashboard does not define is caught.
 */
import type { DashboardJson } from './model.ts';
import { variablesOf } from './model.ts';

/** Values for the macros and variables of a query. */
export interface Substitutions {
  /** `$__rate_interval`; default `1m`. */
  readonly rateInterval?: string;
  /** `$__interval`; default `15s`. */
  readonly interval?: string;
  /** `$__range`; default `1h`. */
  readonly range?: string;
  /** Values of dashboard variables by name, e.g. `{ service: 'gateway' }`; default: the "All" value. */
  readonly variables?: Readonly<Record<string, string>>;
}

// `$1` (a label_replace group reference) is not a variable: names start with a letter or `_`.
const VARIABLE = /\$\{([A-Za-z_]\w*)(?::\w+)?\}|\[\[([A-Za-z_]\w*)\]\]|\$([A-Za-z_]\w*)/g;

function durationSeconds(duration: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(duration);
  if (!match) return undefined;
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[match[2] as 'ms'];
  return Number(match[1]) * factor;
}

/** The value each variable of `dashboard` takes under `substitutions`. */
export function variableValues(
  dashboard: DashboardJson,
  substitutions: Substitutions = {},
): Map<string, string> {
  const range = substitutions.range ?? '1h';
  const rangeSeconds = durationSeconds(range);
  const values = new Map<string, string>([
    ['__rate_interval', substitutions.rateInterval ?? '1m'],
    ['__interval', substitutions.interval ?? '15s'],
    ['__range', range],
  ]);
  if (rangeSeconds !== undefined) values.set('__range_s', String(rangeSeconds));
  for (const variable of variablesOf(dashboard)) {
    const name = variable.name;
    const chosen = substitutions.variables?.[name];
    if (chosen !== undefined) values.set(name, chosen);
    else if (variable.includeAll) values.set(name, variable.allValue ?? '.*');
    else {
      const current = variable.current?.value;
      values.set(name, Array.isArray(current) ? current.join('|') : (current ?? ''));
    }
  }
  return values;
}

/**
 * `text` with every `$name`, `${name}`, `${name:format}` and `[[name]]` replaced. Throws when
 * a variable is neither the dashboard's nor one of Grafana's macros.
 */
export function interpolate(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(VARIABLE, (whole, braced?: string, bracketed?: string, plain?: string) => {
    const name = braced ?? bracketed ?? plain ?? '';
    const value = values.get(name);
    if (value === undefined) {
      throw new Error(`"${whole}" is neither a variable of the dashboard nor a Grafana macro (in: ${text})`);
    }
    return value;
  });
}
