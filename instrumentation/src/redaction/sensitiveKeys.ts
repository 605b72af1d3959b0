/**
 * Which field names hold secrets. A key is split into lowercase words (at `.`, `-`, `_`, spaces
 * and camelCase boundaries), and it is sensitive when one word, or a run of adjacent words joined
 * together, is a sensitive term: `http.request.header.x-api-key` has the run `api key`,
 * `accessToken` the word `token`, `cardNumber` the run `card number`. Matching on words rather
 * than substrings keeps `span`, `panel` and `tokenizer` readable while catching every spelling
 * of the same name.
 */

/**
 * Terms (words joined without separators) whose values are always masked: credentials, auth
 * headers, keys and card data. `tokens` is deliberately absent so that counts such as
 * `max_tokens` stay readable; `token` itself is present.
 */
export const DEFAULT_SENSITIVE_TERMS: readonly string[] = [
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'jwt',
  'apikey',
  'privatekey',
  'privkey',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'cookies',
  'cardnumber',
  'pan',
  'cvv',
  'cvc',
  'cvv2',
  'cvc2',
];

/** Splits a field name into lowercase words: `x-API-Key` → `['x', 'api', 'key']`. */
export function splitKeyWords(key: string): string[] {
  const words: string[] = [];
  for (const part of key.split(/[^A-Za-z0-9]+/)) {
    if (part === '') continue;
    const spaced = part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
    for (const word of spaced.split(' ')) words.push(word.toLowerCase());
  }
  return words;
}

/** The term a configured key stands for: its words joined (`customer_email` → `customeremail`). */
export function toTerm(key: string): string {
  return splitKeyWords(key).join('');
}

/** Decides whether a field name is sensitive. Pure; answers are cached per name. */
export type KeyMatcher = (key: string) => boolean;

const CACHE_LIMIT = 2048;

/**
 * Builds the predicate for the default terms plus `extraKeys` (matched the same way, so
 * `customer_email` also catches `customerEmail` and `order.customer-email`). Field names are few
 * in practice, so answers are cached (up to 2048 names) and a repeated name costs one map
 * look-up and no allocation.
 */
export function createKeyMatcher(extraKeys: readonly string[] = []): KeyMatcher {
  const terms = new Set(DEFAULT_SENSITIVE_TERMS);
  let longestTerm = 2;
  for (const extra of extraKeys) {
    const words = splitKeyWords(extra);
    if (words.length === 0) continue;
    terms.add(words.join(''));
    longestTerm = Math.max(longestTerm, words.length);
  }
  const cache = new Map<string, boolean>();
  const decide = (key: string): boolean => {
    const words = splitKeyWords(key);
    for (let start = 0; start < words.length; start++) {
      let joined = '';
      for (let end = start; end < Math.min(words.length, start + longestTerm); end++) {
        joined += words[end];
        if (terms.has(joined)) return true;
      }
    }
    return false;
  };
  return (key) => {
    const known = cache.get(key);
    if (known !== undefined) return known;
    const answer = decide(key);
    if (cache.size < CACHE_LIMIT) cache.set(key, answer);
    return answer;
  };
}

/** Every term the matcher knows, for building a cheap pre-check over free text. */
export function sensitiveTerms(extraKeys: readonly string[] = []): string[] {
  const terms = new Set(DEFAULT_SENSITIVE_TERMS);
  for (const extra of extraKeys) {
    const term = toTerm(extra);
    if (term !== '') terms.add(term);
  }
  return [...terms];
}
