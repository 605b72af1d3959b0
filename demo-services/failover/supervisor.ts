/**
 * The failover supervisor: health-checks the primary and, after `failuresBeforePromotion`
 * consecutive failed checks, promotes the replica with `SELECT pg_promote()` (the SQL form of
 * `pg_ctl promote`, so it needs no access to the replica's data directory). It promotes once and
 * then only reports: bringing the old primary back is a rebuild as a replica, never a restart as
 * primary. There is no consensus and no fencing: run one supervisor, next to the services, and
 * see docs/disaster-recovery.md for what that leaves open.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { sampleReplication, type ReplicationMetrics } from './replicationMetrics.ts';
import { withClient } from './shortClient.ts';

/** What the supervisor is doing: a discriminated union, so a promoted supervisor has a time. */
export type SupervisorState =
  | { readonly value: 'watching'; readonly failures: number; readonly lastHealthyAt: number }
  | { readonly value: 'promoting'; readonly lastHealthyAt: number }
  | { readonly value: 'promoted'; readonly lastHealthyAt: number; readonly promotedAt: number };

/** Settings of one supervisor. */
export interface SupervisorOptions {
  readonly primaryUrl: string;
  readonly replicaUrl: string;
  /** Between health checks (default 250 ms). */
  readonly intervalMs?: number;
  /** Consecutive failed checks before promoting (default 3): one slow check is not a failure. */
  readonly failuresBeforePromotion?: number;
  /** A check that takes longer failed (default 1000 ms). */
  readonly checkTimeoutMs?: number;
  /** Replication and promotion signals, sampled at every check (none by default). */
  readonly metrics?: ReplicationMetrics;
  /** Called once the replica accepts writes. */
  readonly onPromoted?: (state: Extract<SupervisorState, { value: 'promoted' }>) => void;
}

/**
 * The next state after a health check of the primary (pure): a healthy check resets the count,
 * the `threshold`-th consecutive failure starts the promotion.
 */
export function afterCheck(
  state: SupervisorState,
  healthy: boolean,
  now: number,
  threshold: number,
): SupervisorState {
  if (state.value !== 'watching') return state;
  if (healthy) return { value: 'watching', failures: 0, lastHealthyAt: now };
  const failures = state.failures + 1;
  return failures >= threshold
    ? { value: 'promoting', lastHealthyAt: state.lastHealthyAt }
    : { value: 'watching', failures, lastHealthyAt: state.lastHealthyAt };
}

/** Whether the server at `url` answers and accepts writes (not in recovery). */
export async function isHealthyPrimary(url: string, timeoutMs: number): Promise<boolean> {
  return withClient(url, timeoutMs, async (c) => {
    const { rows } = await c.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
    return rows[0]?.recovery === false;
  }).catch(() => false);
}

/** Promotes the replica at `url` and waits (up to 60 s) until it has left recovery. */
export async function promote(url: string): Promise<void> {
  await withClient(url, 60_000, async (c) => {
    const { rows } = await c.query<{ promoted: boolean }>('SELECT pg_promote(true, 60) AS promoted');
    if (!rows[0]?.promoted)
      throw new Error(`pg_promote() on ${new URL(url).host} did not finish within 60 s`);
  });
}

/** A running supervisor. */
export class FailoverSupervisor {
  #state: SupervisorState;
  #stopped = false;
  readonly #done: Promise<void>;
  readonly #options: SupervisorOptions;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#state = { value: 'watching', failures: 0, lastHealthyAt: Date.now() };
    this.#done = this.#loop();
  }

  /** The current state. */
  get state(): SupervisorState {
    return this.#state;
  }

  async #loop(): Promise<void> {
    const { intervalMs = 250, failuresBeforePromotion = 3, checkTimeoutMs = 1000 } = this.#options;
    while (!this.#stopped && this.#state.value === 'watching') {
      const healthy = await isHealthyPrimary(this.#options.primaryUrl, checkTimeoutMs);
      this.#state = afterCheck(this.#state, healthy, Date.now(), failuresBeforePromotion);
      if (this.#state.value === 'promoting') break;
      if (healthy) await this.#sample(this.#options.primaryUrl, checkTimeoutMs);
      await delay(intervalMs);
    }
    if (this.#stopped || this.#state.value !== 'promoting') return;
    this.#options.metrics?.sampled([]);
    await promote(this.#options.replicaUrl);
    const promoted = {
      value: 'promoted',
      lastHealthyAt: this.#state.lastHealthyAt,
      promotedAt: Date.now(),
    } as const;
    this.#state = promoted;
    this.#options.metrics?.promoted();
    this.#options.onPromoted?.(promoted);
    // From now on, the promoted primary's replicas (none until the old primary is rebuilt).
    while (!this.#stopped) {
      await this.#sample(this.#options.replicaUrl, checkTimeoutMs);
      await delay(intervalMs);
    }
  }

  async #sample(url: string, timeoutMs: number): Promise<void> {
    const { metrics } = this.#options;
    if (!metrics) return;
    // A failed sample keeps the last values; the health check decides about the primary.
    await sampleReplication(url, timeoutMs).then(
      (replicas) => metrics.sampled(replicas),
      () => undefined,
    );
  }

  /** Stops watching; resolves once the loop (and a promotion under way) has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#done;
  }
}
