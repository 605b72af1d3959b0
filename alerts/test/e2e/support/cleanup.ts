/**
 * The stop steps of everything a test started, run in reverse order of starting. A test
 * creates one before `beforeAll` and runs it in `afterAll`, so processes started by a setup
 * that then failed are stopped too.
 */

/** A stop step: ends a process or server, removes a folder. */
export type CleanupStep = () => Promise<void>;

/** An ordered list of stop steps. */
export class Cleanup {
  #steps: CleanupStep[] = [];
  #ran = false;

  /**
   * Registers `step`. After `run`, a step is run at once instead: a start that outlived a
   * timed-out `beforeAll` still stops what it started.
   */
  add(step: CleanupStep): void {
    if (this.#ran) void step().catch(() => undefined);
    else this.#steps.push(step);
  }

  /** Runs every step, newest first, each even if an earlier one failed; throws them together. */
  async run(): Promise<void> {
    this.#ran = true;
    const errors: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      await step().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw new AggregateError(errors, 'cleaning up after the test failed');
  }
}
