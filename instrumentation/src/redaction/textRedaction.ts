/**
 * Secrets inside free text (log messages, URLs, header dumps): `key=value`, `key: value` and
 * `"key": "value"` pairs whose key is sensitive, `Bearer` tokens, passwords in URL user-info
 * (`https://user:pass@host`), and card numbers. Prose such as "the password was wrong" is not
 * recognised: only the shapes above are.
 */
import { CARD_HINT, maskCardNumbers } from './cardNumbers.ts';
import type { KeyMatcher } from './sensitiveKeys.ts';

/** The replacement for a masked value. */
export const REDACTED = '[REDACTED]';

const AUTH_SCHEMES = 'bearer|basic|digest|negotiate|token|apikey';

// key, separator (with the closing quote of a quoted key), then a quoted or bare value. A bare
// value may start with an auth scheme, so `Authorization: Bearer abc` loses the whole credential.
const KEY_VALUE = new RegExp(
  String.raw`(?<![A-Za-z0-9_.\-])([A-Za-z_][A-Za-z0-9_.\-]*)(["']?[ \t]*[:=][ \t]*)` +
    String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|((?:(?:${AUTH_SCHEMES})[ \t]+)?[^\s"'&,;}\])]+))`,
  'gi',
);
const BEARER = /\b(bearer)[ \t]+([A-Za-z0-9\-._~+/]{8,}=*)/gi;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s/@]+)(@)/gi;

/** Redacts secrets in strings for one set of sensitive keys. */
export interface TextRedactor {
  /** `text` with every recognised secret masked; the same string when nothing was found. */
  redactString(text: string): string;
  /** A cheap test: false means `redactString(text)` would return `text` unchanged. */
  mightContainSecret(text: string): boolean;
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CLEAN_CACHE_LIMIT = 4096;
const CLEAN_CACHE_MAX_LENGTH = 200;

/**
 * Builds the hint: any sensitive term spelled with optional separators between its letters
 * (a superset of every key the matcher accepts), a bearer token, URL user-info or 13 digits.
 */
function buildHint(terms: readonly string[]): RegExp {
  const spelled = terms.map((term) => [...term].map(escapeForRegExp).join('[-_.]*'));
  return new RegExp(`${spelled.join('|')}|bearer[ \\t]|://[^\\s/@]+:[^\\s/@]+@|${CARD_HINT.source}`, 'i');
}

/** Creates the string redactor for `isSensitiveKey`, whose terms are `terms`. */
export function createTextRedactor(isSensitiveKey: KeyMatcher, terms: readonly string[]): TextRedactor {
  const hint = buildHint(terms);
  // A hand-written loop rather than String.replace: when a key is not sensitive, scanning must
  // resume right after its separator, or `https://host/?token=x` would hide `token` inside the
  // bare value of `https`.
  const maskPairs = (text: string): string => {
    KEY_VALUE.lastIndex = 0;
    let out = '';
    let copiedUpTo = 0;
    for (let match = KEY_VALUE.exec(text); match !== null; match = KEY_VALUE.exec(text)) {
      const [whole, key = '', separator = '', doubleQuoted, singleQuoted] = match;
      const valueAt = match.index + key.length + separator.length;
      if (!isSensitiveKey(key)) {
        KEY_VALUE.lastIndex = valueAt;
        continue;
      }
      // Already masked (a record redacted twice): leave it, so masking is idempotent.
      if (text.startsWith(REDACTED, valueAt)) {
        KEY_VALUE.lastIndex = valueAt + REDACTED.length;
        continue;
      }
      const value =
        doubleQuoted !== undefined
          ? `"${REDACTED}"`
          : singleQuoted !== undefined
            ? `'${REDACTED}'`
            : REDACTED;
      out += `${text.slice(copiedUpTo, match.index)}${key}${separator}${value}`;
      copiedUpTo = match.index + whole.length;
    }
    return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
  };
  // Short values repeat (methods, hosts, routes, log messages); remembering the ones the hint
  // cleared saves running it again on every span and log record.
  const clean = new Set<string>();
  const hasHint = (text: string): boolean => {
    const cacheable = text.length <= CLEAN_CACHE_MAX_LENGTH;
    if (cacheable && clean.has(text)) return false;
    if (hint.test(text)) return true;
    if (cacheable) {
      if (clean.size >= CLEAN_CACHE_LIMIT) clean.clear();
      clean.add(text);
    }
    return false;
  };
  return {
    mightContainSecret: hasHint,
    redactString(text) {
      if (!hasHint(text)) return text;
      const masked = maskCardNumbers(
        maskPairs(text.replace(URL_USERINFO, `$1${REDACTED}$3`)).replace(BEARER, `$1 ${REDACTED}`),
      );
      return masked === text ? text : masked;
    },
  };
}
