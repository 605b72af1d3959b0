/** Content-Type parsing shared by the receivers, which are strict about media types. */

/** A parsed `Content-Type`: the lower-cased `type/subtype` and its parameters. */
export interface MediaType {
  readonly essence: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses a Content-Type header; undefined when the header is absent or has no `type/subtype`. */
export function parseMediaType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const [essence = '', ...rest] = header.split(';');
  const normalised = essence.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(normalised)) return undefined;
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    params[name] = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { essence: normalised, params };
}
