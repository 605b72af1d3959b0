/**
 * Where built backends are kept between runs: outside the clone, so a fresh clone on the same
 * machine (CI's) reuses them. `FAULTLINE_CACHE_DIR` overrides; as root the default is
 * /var/cache/faultline (readable by the unprivileged user Elasticsearch must run as), otherwise
 * `$XDG_CACHE_HOME/faultline` or `~/.cache/faultline`.
 */
import os from 'node:os';
import path from 'node:path';
import { backendsConfig } from './config.ts';
import { BACKENDS, type BackendName } from './versions.ts';

/** The cache's root directory. */
export function cacheRoot(config = backendsConfig()): string {
  if (config.cacheDir) return path.resolve(config.cacheDir);
  if (process.getuid?.() === 0) return '/var/cache/faultline';
  return path.join(config.xdgCacheHome ?? path.join(os.homedir(), '.cache'), 'faultline');
}

/** The directory one backend at its pinned version is built into. */
export function backendDir(name: BackendName): string {
  return path.join(cacheRoot(), 'backends', `${name}-${BACKENDS[name].version}`);
}

/** The file that marks a finished build (written last, so a half-built directory never counts). */
export function builtMarker(name: BackendName): string {
  return path.join(backendDir(name), '.faultline-built');
}
