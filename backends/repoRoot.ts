/**
 * The repository's root, for files the backends read (the Collector's config and manifest,
 * Jaeger's config). Found from the working directory upwards, because this code runs both as
 * native ES modules and under jest's CommonJS transform, where `import.meta` cannot be used.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

let found: string | undefined;

/** The nearest directory at or above the working directory holding `collector/builder-config.yaml`. */
export function repoRoot(): string {
  if (found) return found;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'collector', 'builder-config.yaml'))) return (found = dir);
    if (path.dirname(dir) === dir)
      throw new Error(
        `not inside a Faultline checkout (no collector/builder-config.yaml above ${process.cwd()})`,
      );
  }
}
