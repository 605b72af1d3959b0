/**
 * Where the alerting assets live, for tests.
 */
import { join } from 'node:path';

/** The `alerts/` folder. */
export const alertsDir = join(__dirname, '..', '..');

/** A path under `alerts/`. */
export function alertsPath(...parts: string[]): string {
  return join(alertsDir, ...parts);
}
