/**
 * Span timestamps. A span keeps milliseconds on the `performance.now()` clock (monotonic, so a
 * duration is exact even if the wall clock steps); the Unix time in nanoseconds is the process's
 * time origin plus that offset, computed only when the span is encoded.
 */
import { performance } from 'node:perf_hooks';
import type { TimeInput } from '@opentelemetry/api';

const TWO_32 = 2 ** 32;
/** performance.timeOrigin in whole microseconds, as nanoseconds split into two 32-bit halves. */
const originNs = BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n;
const ORIGIN_HIGH = Number(originNs >> 32n);
const ORIGIN_LOW = Number(originNs & 0xffffffffn);

/** Now, on the span clock. */
export function now(): number {
  return performance.now();
}

/**
 * A caller's time on the span clock. Like the OpenTelemetry SDK: an `HrTime` or `Date` is Unix
 * time, a number smaller than the time origin is a `performance.now()` reading, a larger number
 * is Unix milliseconds.
 */
export function toSpanClock(input: TimeInput | undefined): number {
  if (input === undefined) return performance.now();
  if (typeof input === 'number') {
    return input < performance.timeOrigin ? input : input - performance.timeOrigin;
  }
  if (input instanceof Date) return input.getTime() - performance.timeOrigin;
  return input[0] * 1000 + input[1] / 1e6 - performance.timeOrigin;
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
