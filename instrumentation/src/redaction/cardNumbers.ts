/**
 * Payment card numbers in free text. A candidate is a run of 13 to 19 digits, written
 * contiguously or in groups separated by one space or dash, not touching a letter or digit.
 * It is a card number only if it passes the Luhn check AND starts with an issuer prefix of a
 * length that issuer uses: Luhn alone passes one random number in ten, which would mangle
 * millisecond timestamps (`1732512345678`, issuer digit 1) and date-based order ids
 * (`2024112500001234`) that happen to be valid.
 *
 * A masked number keeps its last four digits and its separators (`**** **** **** 1111`): PCI DSS
 * allows showing the last four, which is what support staff need to match a payment, and the
 * issuer prefix is what is hidden.
 */

const CANDIDATE = /(?<![A-Za-z0-9])\d+(?:[ -]\d+)*(?![A-Za-z0-9])/g;

/** A quick test that text may contain a card number (13 digits with optional single separators). */
export const CARD_HINT = /\d(?:[ -]?\d){12}/;

/** True when `digits` (digits only) pass the Luhn checksum. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function prefix(digits: string, length: number): number {
  return Number(digits.slice(0, length));
}

/** True when `digits` start like a card of a major issuer and have a length that issuer uses. */
export function hasIssuerPrefix(digits: string): boolean {
  const len = digits.length;
  const p2 = prefix(digits, 2);
  const p3 = prefix(digits, 3);
  const p4 = prefix(digits, 4);
  const p6 = prefix(digits, 6);
  const between = (value: number, low: number, high: number) => value >= low && value <= high;
  if (digits[0] === '4') return len === 13 || len === 16 || len === 19; // Visa
  if (between(p2, 51, 55) || between(p4, 2221, 2720)) return len === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return len === 15; // American Express
  if (between(len, 16, 19)) {
    if (p4 === 6011 || between(p3, 644, 649) || p2 === 65 || between(p6, 622126, 622925)) return true; // Discover
    if (between(p4, 3528, 3589)) return true; // JCB
    if (p2 === 62) return true; // UnionPay
  }
  if (between(len, 14, 19) && (between(p3, 300, 305) || p2 === 36 || p2 === 38 || p2 === 39)) return true; // Diners
  return p2 === 50 || between(p2, 56, 58) || p2 === 63 || p2 === 67; // Maestro (13 to 19 digits)
}

/** True when `digits` (13 to 19 digits, nothing else) look like a real card number. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && hasIssuerPrefix(digits) && luhnValid(digits);
}

/** `digits` with all but the last four replaced by `*`, separators kept. */
function maskKeepingLastFour(text: string): string {
  let remaining = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) remaining++;
  let out = '';
  for (const char of text) {
    if (char >= '0' && char <= '9') {
      out += remaining > 4 ? '*' : char;
      remaining--;
    } else out += char;
  }
  return out;
}

/**
 * Masks the card number inside one run of digit groups. A run longer than a card (a card number
 * followed by a year, say) is searched group by group for the longest window that is one.
 */
function maskRun(run: string): string {
  const groups = run.split(/([ -])/);
  // groups alternates digits, separator, digits...: even indexes are digit groups.
  let out = '';
  let i = 0;
  while (i < groups.length) {
    let best = -1;
    let digits = '';
    for (let j = i; j < groups.length && digits.length <= 19; j += 2) {
      digits += groups[j];
      if (isCardNumber(digits)) best = j;
    }
    if (best === -1) {
      out += groups[i] + (groups[i + 1] ?? '');
      i += 2;
      continue;
    }
    out += maskKeepingLastFour(groups.slice(i, best + 1).join('')) + (groups[best + 1] ?? '');
    i = best + 2;
  }
  return out;
}

/** `text` with every card number masked to its last four digits; other digit runs untouched. */
export function maskCardNumbers(text: string): string {
  if (!CARD_HINT.test(text)) return text;
  return text.replace(CANDIDATE, (run) => maskRun(run));
}
