/** The installed versions of the packages a row measures, read from their package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `name version` for each package, as installed under the repository root (`name ?` if absent). */
export function installedVersions(root: string, packages: readonly string[]): string {
  return packages
    .map((name) => {
      try {
        const manifest = JSON.parse(
          readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'),
        ) as {
          version?: string;
        };
        return `${name} ${manifest.version ?? '?'}`;
      } catch {
        return `${name} ?`;
      }
    })
    .join(', ');
}
