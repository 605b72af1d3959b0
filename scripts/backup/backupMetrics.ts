/**
 * The backup signals (names from the catalogue): when the newest stored backup was written, its
 * age at scrape time, and runs by outcome. "Never backed up" is a last success at 0, so an alert
 * on the age fires for it too.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { metrics, SERVICE_LABEL } from '../../instrumentation/src/catalogue/index.ts';

/** The scheduler's registry and the values it reports. */
export class BackupMetrics {
  readonly registry = new Registry();
  readonly #lastSuccess = new Map<string, number>();
  readonly #runs: Counter<'database' | 'outcome'>;

  constructor(service = 'backup-scheduler', now: () => number = Date.now) {
    this.registry.setDefaultLabels({ [SERVICE_LABEL]: service });
    const lastSuccess = this.#lastSuccess;
    new Gauge({
      name: metrics.backupLastSuccess.name,
      help: metrics.backupLastSuccess.help,
      labelNames: metrics.backupLastSuccess.labelNames,
      registers: [this.registry],
      collect() {
        for (const [database, at] of lastSuccess) this.set({ database }, at / 1000);
      },
    });
    new Gauge({
      name: metrics.backupAge.name,
      help: metrics.backupAge.help,
      labelNames: metrics.backupAge.labelNames,
      registers: [this.registry],
      collect() {
        for (const [database, at] of lastSuccess) this.set({ database }, Math.max(0, now() - at) / 1000);
      },
    });
    this.#runs = new Counter({
      name: metrics.backupRuns.name,
      help: metrics.backupRuns.help,
      labelNames: metrics.backupRuns.labelNames,
      registers: [this.registry],
    });
  }

  /** Records a stored backup of `database` written at `at` (ms), unless an older one. */
  stored(database: string, at: number): void {
    this.#lastSuccess.set(database, Math.max(at, this.#lastSuccess.get(database) ?? 0));
  }

  /** Counts one run. */
  ran(database: string, outcome: 'success' | 'failure'): void {
    this.#runs.inc({ database, outcome });
    // The other outcome's series exists from the first run on, so rate() over it is 0, not empty.
    this.#runs.inc({ database, outcome: outcome === 'success' ? 'failure' : 'success' }, 0);
  }
}
