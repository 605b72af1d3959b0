/**
 * The replication signals (names from the catalogue), sampled by the failover supervisor from
 * the primary's pg_stat_replication: streaming replicas, each replica's lag in bytes and
 * seconds, and promotions.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { metrics, SERVICE_LABEL } from '@faultline/instrumentation';
import { withClient } from './shortClient.ts';

/** One replica as the primary reports it. */
export interface ReplicaSample {
  readonly replica: string;
  readonly lagBytes: number;
  readonly lagSeconds: number;
}

/** Reads pg_stat_replication on the primary at `url` (streaming replicas only). */
export async function sampleReplication(url: string, timeoutMs = 1000): Promise<ReplicaSample[]> {
  return withClient(url, timeoutMs, async (client) => {
    const { rows } = await client.query<{ name: string; bytes: string | null; seconds: number | null }>(
      `SELECT application_name AS name,
              pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS bytes,
              COALESCE(EXTRACT(EPOCH FROM replay_lag), 0)::float8 AS seconds
         FROM pg_stat_replication WHERE state = 'streaming'`,
    );
    return rows.map((r) => ({ replica: r.name, lagBytes: Number(r.bytes ?? 0), lagSeconds: r.seconds ?? 0 }));
  });
}

/** The supervisor's registry. */
export class ReplicationMetrics {
  readonly registry = new Registry();
  readonly #replicas: Gauge;
  readonly #lagBytes: Gauge<'replica'>;
  readonly #lagSeconds: Gauge<'replica'>;
  readonly #promotions: Counter;

  constructor(service = 'failover-supervisor') {
    this.registry.setDefaultLabels({ [SERVICE_LABEL]: service });
    const registers = [this.registry];
    const gauge = (def: (typeof metrics)['dbReplicationLagBytes']) =>
      new Gauge({ name: def.name, help: def.help, labelNames: def.labelNames, registers });
    this.#replicas = new Gauge({ name: metrics.dbReplicas.name, help: metrics.dbReplicas.help, registers });
    this.#lagBytes = gauge(metrics.dbReplicationLagBytes);
    this.#lagSeconds = gauge(metrics.dbReplicationLagSeconds);
    this.#promotions = new Counter({
      name: metrics.dbPromotions.name,
      help: metrics.dbPromotions.help,
      registers,
    });
  }

  /** Records one sample; replicas no longer reported lose their series. */
  sampled(replicas: readonly ReplicaSample[]): void {
    this.#replicas.set(replicas.length);
    this.#lagBytes.reset();
    this.#lagSeconds.reset();
    for (const r of replicas) {
      this.#lagBytes.set({ replica: r.replica }, r.lagBytes);
      this.#lagSeconds.set({ replica: r.replica }, r.lagSeconds);
    }
  }

  /** Counts a promotion. */
  promoted(): void {
    this.#promotions.inc();
  }
}
