/**
 * The environment the backends module reads, in one place: where the cache is and which JDK runs
 * Elasticsearch; and the environment started programs inherit.
 */

/** Settings read from the environment. */
export interface BackendsConfig {
  /** `FAULTLINE_CACHE_DIR`: where built backends are kept. */
  readonly cacheDir?: string;
  /** `XDG_CACHE_HOME`. */
  readonly xdgCacheHome?: string;
  /** `ES_JAVA_HOME`, then `JAVA_HOME`: JDKs to try first for Elasticsearch. */
  readonly javaHomes: readonly string[];
}

/** Reads the settings from `env` (default: this process's). */
export function backendsConfig(env: NodeJS.ProcessEnv = process.env): BackendsConfig {
  return {
    cacheDir: env.FAULTLINE_CACHE_DIR || undefined,
    xdgCacheHome: env.XDG_CACHE_HOME || undefined,
    javaHomes: [env.ES_JAVA_HOME, env.JAVA_HOME].filter((home): home is string => Boolean(home)),
  };
}

/** This process's environment with `extra` laid over it: what a started program gets. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
