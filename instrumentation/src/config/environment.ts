/**
 * The edge where the process environment and secret files enter Faultline; everything else
 * receives them from here, already parsed.
 */
import { readFileSync } from 'node:fs';
import type { Env } from './readers.ts';

/** The process environment. */
export function processEnv(): Env {
  return process.env;
}

/** Reads a secret file named by a `*_FILE` variable. */
export function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8');
}
