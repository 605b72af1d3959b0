/**
 * The loop both broker monitors run (`monitorQueues`, `monitorConsumerGroups`): a first sample
 * at once, then one every interval on an `unref()`'d timer (a monitor never keeps the app
 * alive), one sample at a time (`sampleNow` joins the one in flight), every error handed to
 * the monitor and never thrown into the app, and a stop that waits for the sample in flight.
 */

/** Default time between samples. */
const DEFAULT_INTERVAL_MS = 15_000;
/** A broker request never waits longer than this by default, nor longer than the interval. */
const MAX_DEFAULT_TIMEOUT_MS = 5_000;

/** The interval and per-request timeout of a monitor. */
export interface SamplingTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/**
 * The timing of a monitor from its options: 15 s between samples, and requests that time out
 * after the interval, at most 5 s, unless given.
 *
 * @throws TypeError naming `monitor` when `intervalMs` is given and not a positive number.
 */
export function samplingTiming(
  monitor: string,
  options: { readonly intervalMs?: number; readonly timeoutMs?: number },
): SamplingTiming {
  const { intervalMs } = options;
  if (intervalMs !== undefined && !(intervalMs > 0))
    throw new TypeError(
      `${monitor}: intervalMs must be a positive number of milliseconds, got ${intervalMs}`,
    );
  const interval = intervalMs ?? DEFAULT_INTERVAL_MS;
  return { intervalMs: interval, timeoutMs: options.timeoutMs ?? Math.min(interval, MAX_DEFAULT_TIMEOUT_MS) };
}

/** See the module comment. */
export class SamplingLoop {
  readonly #sample: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #stopped = false;

  /** Starts sampling at once; `onError` receives what a sample rejected with. */
  constructor(sample: () => Promise<void>, onError: (error: unknown) => void, intervalMs: number) {
    this.#sample = sample;
    this.#onError = onError;
    this.#intervalMs = intervalMs;
    this.#schedule(0);
  }

  /** Whether {@link stop} was called: a sample in flight checks it before publishing. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Takes a sample now (joining one in progress); resolves when it is done, never rejects. */
  sampleNow(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#inFlight ??= this.#sample()
      .catch((error: unknown) => this.#onError(error))
      .finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  /** Stops sampling and waits for the sample in flight. Never rejects. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.sampleNow().finally(() => this.#schedule(this.#intervalMs));
    }, delayMs);
    this.#timer.unref();
  }
}
