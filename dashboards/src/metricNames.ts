/**
 * Extracts the metric names a PromQL expression reads, with a small scanner rather than a
 * regex over the text: string literals, label matchers, range and subquery brackets, numbers
 * and durations are skipped; an identifier followed by `(` is a function, aggregation
 * operators are never metrics, and the label lists of `by`, `without`, `on`, `ignoring`,
 * `group_left` and `group_right` are skipped. What remains are metric names (plus the value of
 * any `__name__="..."` matcher).
 */

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);
// Aggregations may put their `by (...)` clause before the parenthesis: `sum by (a) (x)`.
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const IDENTIFIER_START = /[A-Za-z_:]/;
const IDENTIFIER_PART = /[A-Za-z0-9_:]/;

function skipString(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' && quote !== '`' ? 2 : 1;
  return i + 1;
}

/** Index just past the bracket closing the one at `start`, skipping strings inside. */
function skipBracketed(text: string, start: number, open: string, close: string): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i);
      continue;
    }
    if (c === open) depth += 1;
    if (c === close) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  throw new Error(`Unbalanced "${open}" at ${start} in: ${text}`);
}

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i] ?? '')) i += 1;
  return i;
}

/** The distinct metric names `promql` reads, in order of appearance. */
export function metricNames(promql: string): string[] {
  const names: string[] = [];
  const add = (name: string): void => {
    if (!names.includes(name)) names.push(name);
  };
  let i = 0;
  while (i < promql.length) {
    const c = promql[i] ?? '';
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(promql, i);
    } else if (c === '{') {
      const end = skipBracketed(promql, i, '{', '}');
      const name = /__name__\s*=\s*"([^"]+)"/.exec(promql.slice(i, end));
      if (name?.[1]) add(name[1]);
      i = end;
    } else if (c === '[') {
      i = skipBracketed(promql, i, '[', ']');
    } else if (/[0-9.]/.test(c)) {
      // A number or duration: 0.95, 1e-3, 0x1F, 5m, 1h30m.
      i += 1;
      while (i < promql.length) {
        const d = promql[i] ?? '';
        const exponentSign = /[+-]/.test(d) && /[0-9][eE]$/.test(promql.slice(i - 2, i));
        if (!/[0-9A-Za-z.]/.test(d) && !exponentSign) break;
        i += 1;
      }
    } else if (IDENTIFIER_START.test(c)) {
      let end = i + 1;
      while (end < promql.length && IDENTIFIER_PART.test(promql[end] ?? '')) end += 1;
      const word = promql.slice(i, end);
      const after = nextNonSpace(promql, end);
      if (LABEL_LIST_KEYWORDS.has(word.toLowerCase())) {
        i = promql[after] === '(' ? skipBracketed(promql, after, '(', ')') : end;
        continue;
      }
      const lower = word.toLowerCase();
      if (promql[after] !== '(' && !KEYWORDS.has(lower) && !AGGREGATIONS.has(lower)) add(word);
      i = end;
    } else {
      i += 1;
    }
  }
  return names;
}
