/**
 * Span timestamps. A span keeps milliseconds on the `performance.now()` clock (monotonic, so a
 * duration is exact even if the wall clock steps); the Unix time in nanoseconds is the process's
 * time origin plus that offset plus the span's {@link clockDrift}, computed only when the span is
 * encoded. The monotonic clock drifts from the wall clock in a long-running process (NTP slews
 * one, not the other), so, like the SDK, each span is anchored to the wall clock when it starts.
 */
import { performance } from 'node:perf_hooks';
import type { TimeInput } from '@opentelemetry/api';

const TWO_32 = 2 ** 32;
/** performance.timeOrigin in whole microseconds, as nanoseconds split into two 32-bit halves. */
const originNs = BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n;
const ORIGIN_HIGH = Number(originNs >> 32n);
const ORIGIN_LOW = Number(originNs & 0xffffffffn);

/** The wall clock is re-read at most this often to re-anchor spans. */
const REANCHOR_EVERY_MS = 1000;
/** Date.now() has millisecond resolution: smaller differences are its truncation, not drift. */
const DRIFT_TOLERANCE_MS = 1;
let drift = 0;
let anchoredAt = Number.NEGATIVE_INFINITY;

/**
 * Milliseconds to add to a span-clock reading to get wall-clock time (Unix time minus the time
 * origin). Re-read from `Date.now()` at most once a second and changed only when the two clocks
 * disagree by more than Date.now()'s resolution, so spans of one moment share one anchor and
 * keep their sub-millisecond order.
 */
export function clockDrift(): number {
  const monotonic = performance.now();
  if (monotonic - anchoredAt < REANCHOR_EVERY_MS) return drift;
  anchoredAt = monotonic;
  const measured = Date.now() - performance.timeOrigin - monotonic;
  if (Math.abs(measured - drift) > DRIFT_TOLERANCE_MS) drift = measured;
  return drift;
}

/** Now, on the span clock. */
export function now(): number {
  return performance.now();
}

/**
 * A caller's time on the clock of a span anchored with `spanDrift`. Like the OpenTelemetry SDK:
 * an `HrTime` or `Date` is Unix time, a number smaller than the time origin is a
 * `performance.now()` reading, a larger number is Unix milliseconds.
 */
export function toSpanClock(input: TimeInput | undefined, spanDrift: number): number {
  if (input === undefined) return performance.now();
  if (typeof input === 'number') {
    return input < performance.timeOrigin ? input : input - performance.timeOrigin - spanDrift;
  }
  if (input instanceof Date) return input.getTime() - performance.timeOrigin - spanDrift;
  return input[0] * 1000 + input[1] / 1e6 - performance.timeOrigin - spanDrift;
}

/** Unix nanoseconds of a span-clock reading, as the low and high 32 bits. */
export function unixNanoParts(spanClockMs: number): [low: number, high: number] {
  const low = unixNanoLow(spanClockMs);
  return [low, unixNanoHigh(spanClockMs)];
}

/** The low 32 bits of {@link unixNanoParts}, without allocating. */
export function unixNanoLow(spanClockMs: number): number {
  const offsetNs = Math.round(spanClockMs * 1e6);
  const low = ORIGIN_LOW + (offsetNs - Math.floor(offsetNs / TWO_32) * TWO_32);
  return low >= TWO_32 ? low - TWO_32 : low;
}

/** The high 32 bits of {@link unixNanoParts}, without allocating. */
export function unixNanoHigh(spanClockMs: number): number {
  // The offset is negative only for times before the process started; floor keeps low in range.
  const offsetNs = Math.round(spanClockMs * 1e6);
  const high = Math.floor(offsetNs / TWO_32);
  const low = ORIGIN_LOW + (offsetNs - high * TWO_32);
  return ORIGIN_HIGH + high + (low >= TWO_32 ? 1 : 0);
}

/** Unix nanoseconds of a span-clock reading, as a decimal string (OTLP/JSON). */
export function unixNanoString(spanClockMs: number): string {
  const [low, high] = unixNanoParts(spanClockMs);
  return ((BigInt(high) << 32n) + BigInt(low)).toString();
}
