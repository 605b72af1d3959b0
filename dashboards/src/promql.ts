/**
 * Small PromQL builders over the signal catalogue. A selector names a catalogue metric, not a
 * string, and its label matchers are checked against the catalogue at generation time: an
 * unknown label, or a value outside a closed label's documented values, throws here instead
 * of producing a panel that is silently empty.
 */
import { SERVICE_LABEL, type MetricDefinition } from './catalogue.ts';
import { monitoring } from './config.ts';

/** Grafana's rate window macro: at least four scrape intervals, adapted to the zoom level. */
export const RATE_INTERVAL = '$__rate_interval';

/** Labels Prometheus adds to every scraped series, so any selector may match them. */
export const TARGET_LABELS = ['job', 'instance'] as const;

/** A PromQL label match operator. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector. */
export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** `label="value"`. */
export function eq(label: string, value: string): Matcher {
  return { label, op: '=', value };
}

/** `label=~"regex"` (Prometheus anchors the regex at both ends). */
export function re(label: string, regex: string): Matcher {
  return { label, op: '=~', value: regex };
}

/** `label=~"$variable"`: the dashboard variable, which is `.*` when "All" is selected. */
export function byVariable(label: string, variable: string): Matcher {
  return re(label, `$${variable}`);
}

/** `service=~"$service"`. */
export const serviceMatcher = byVariable(SERVICE_LABEL, 'service');

/** The series of a histogram a selector reads. */
export type HistogramPart = 'bucket' | 'count' | 'sum';

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

/**
 * Reads a selector setting of the shared config (`a="x", b=~"y"`, empty for none) into
 * matchers. Throws naming the part it cannot read.
 */
export function parseMatchers(text: string): Matcher[] {
  const parts = text.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
  return parts
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const match = MATCHER.exec(part);
      if (!match)
        throw new Error(`Cannot read the label matcher ${JSON.stringify(part.trim())} of "${text}"`);
      return {
        label: match[1] ?? '',
        op: match[2] as MatchOp,
        value: (match[3] ?? '').replace(/\\(.)/g, '$1'),
      };
    });
}

/**
 * The matchers of the shared config's `selectors.services`, added to every catalogue series
 * (none by default: Faultline's series are found by name, whatever job scrapes them).
 */
const scope: readonly Matcher[] = parseMatchers(monitoring.selectors.services);

/** PromQL string literal escaping (Go rules): backslashes and double quotes. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const PLAIN_ALTERNATION = /^[A-Za-z0-9_]+(\|[A-Za-z0-9_]+)*$/;

function literalValues(matcher: Matcher): readonly string[] {
  if (matcher.value.includes('$')) return [];
  if (matcher.op === '=' || matcher.op === '!=') return [matcher.value];
  return PLAIN_ALTERNATION.test(matcher.value) ? matcher.value.split('|') : [];
}

function checkMatcher(def: MetricDefinition, matcher: Matcher, part: HistogramPart | undefined): void {
  const allowed = [...def.labelNames, SERVICE_LABEL, ...TARGET_LABELS, ...(part === 'bucket' ? ['le'] : [])];
  if (!allowed.includes(matcher.label)) {
    throw new Error(
      `Label "${matcher.label}" is not a label of ${def.name}; the catalogue allows ${allowed.join(', ')}`,
    );
  }
  const closed = (def.labelValues as Partial<Record<string, readonly string[]>> | undefined)?.[matcher.label];
  if (!closed) return;
  for (const value of literalValues(matcher)) {
    if (!closed.includes(value)) {
      throw new Error(
        `Label ${matcher.label} of ${def.name} never has the value "${value}"; the catalogue allows ${closed.join(', ')}`,
      );
    }
  }
}

/**
 * The selector of a catalogue metric, e.g. `circuit_breaker_calls_total{outcome="rejected"}`.
 * Histograms need the `part` they read (`bucket`, `count`, `sum`); other types must not have
 * one. Throws when a matcher's label or value is not in the catalogue.
 */
export function series(
  def: MetricDefinition,
  matchers: readonly Matcher[] = [],
  part?: HistogramPart,
): string {
  if ((def.type === 'histogram') !== (part !== undefined)) {
    throw new Error(
      def.type === 'histogram'
        ? `${def.name} is a histogram: say which series (bucket, count or sum) the query reads`
        : `${def.name} is a ${def.type}; it has no _${part} series`,
    );
  }
  for (const matcher of matchers) checkMatcher(def, matcher, part);
  const name = part ? `${def.name}_${part}` : def.name;
  const body = [...scope, ...matchers].map((m) => `${m.label}${m.op}${quote(m.value)}`).join(', ');
  return body ? `${name}{${body}}` : name;
}

/** `rate(<selector>[<range>])`, by default over `$__rate_interval`. */
export function rate(selector: string, range: string = RATE_INTERVAL): string {
  return `rate(${selector}[${range}])`;
}

/** `increase(<selector>[<range>])`. */
export function increase(selector: string, range: string = RATE_INTERVAL): string {
  return `increase(${selector}[${range}])`;
}

/** An aggregation keeping `labels`: `sum by (a, b) (expr)`, or `sum(expr)` with no labels. */
export function aggregate(
  op: 'sum' | 'max' | 'min' | 'avg',
  labels: readonly string[],
  expr: string,
): string {
  return labels.length === 0 ? `${op}(${expr})` : `${op} by (${labels.join(', ')}) (${expr})`;
}

/** `sum by (labels) (expr)`. */
export function sumBy(labels: readonly string[], expr: string): string {
  return aggregate('sum', labels, expr);
}

/** `max by (labels) (expr)`. */
export function maxBy(labels: readonly string[], expr: string): string {
  return aggregate('max', labels, expr);
}

/**
 * The `q` quantile of a catalogue histogram per `labels`, from the rate of its buckets:
 * `histogram_quantile(q, sum by (le, labels) (rate(<metric>_bucket{...}[$__rate_interval])))`.
 */
export function quantile(
  q: number,
  def: MetricDefinition,
  matchers: readonly Matcher[],
  labels: readonly string[],
): string {
  return `histogram_quantile(${q}, ${sumBy(['le', ...labels], rate(series(def, matchers, 'bucket')))})`;
}

/** `(numerator) / (denominator)`. */
export function ratio(numerator: string, denominator: string): string {
  return `(${numerator}) / (${denominator})`;
}

/**
 * `expr`, or zero for every series of `shape` that `expr` lacks. For counters that only
 * appear once something went wrong (5xx, drops, dead letters): their absence means zero,
 * and a ratio over them must not vanish because the numerator has no series yet. When `expr`
 * keeps more labels than `shape` (drops by reason, shape per signal), `on` names the labels
 * they share, so a zero is added only where `expr` has no series at all.
 */
export function orZero(expr: string, shape: string, on?: readonly string[]): string {
  const matching = on ? ` on (${on.join(', ')})` : '';
  return `((${expr}) or${matching} (${shape}) * 0)`;
}

/**
 * `name{matchers}` (`name` alone with none) for series outside the catalogue: Prometheus's own,
 * a broker's, recording rules'. Catalogue metrics go through {@link series}, which checks them.
 */
export function selectorOf(name: string, matchers: readonly Matcher[]): string {
  return matchers.length === 0
    ? name
    : `${name}{${matchers.map((m) => `${m.label}${m.op}${quote(m.value)}`).join(', ')}}`;
}

/** The `up` series of the targets the shared config's `selectors.targets` selects (default all). */
export function targetsUp(): string {
  return selectorOf('up', parseMatchers(monitoring.selectors.targets));
}

/**
 * Prometheus's own `up` series of the scrape targets matched (1 scraped, 0 failed). Not a
 * catalogue metric: Prometheus writes it for every target.
 */
export function up(matchers: readonly Matcher[]): string {
  for (const matcher of matchers) {
    if (!(TARGET_LABELS as readonly string[]).includes(matcher.label)) {
      throw new Error(`up only carries the target labels ${TARGET_LABELS.join(', ')}, not ${matcher.label}`);
    }
  }
  return selectorOf('up', matchers);
}
