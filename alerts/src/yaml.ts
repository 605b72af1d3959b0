/**
 * YAML rendering shared by the rule files and the Alertmanager config: one style, which is also
 * what Prettier writes, so the committed files pass `prettier --check` unchanged.
 */
import { Document } from 'yaml';

/** `value` as a YAML document under a `# ...` header comment. */
export function toYaml(value: unknown, header: string): string {
  const doc = new Document(value);
  doc.commentBefore = header
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
  return doc.toString({ lineWidth: 0, singleQuote: true });
}
