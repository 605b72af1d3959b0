/**
 * Consumer-group lag as pure functions of what the admin API reports, tested without a broker:
 * records behind per partition, and an estimate of how old the oldest unconsumed record is,
 * interpolated from the monitor's own bounded history of high watermarks.
 */

/** One observation of a partition's high watermark. */
export interface WatermarkSample {
  readonly atMs: number;
  readonly highWatermark: number;
}

/**
 * Records of a partition the group has not consumed: high watermark minus the committed
 * offset, or, before the group's first commit (`committed` < 0), minus the earliest retained
 * offset (where a group reading from the beginning would start). Never negative.
 */
export function partitionLag(committed: number, low: number, high: number): number {
  const from = committed >= 0 ? committed : low;
  return Math.max(0, high - from);
}

/**
 * Seconds since the record at offset `next` (the next one the group will read) was appended,
 * estimated from `history` (oldest first): the record appeared between the last sample whose
 * high watermark did not include it and the first that did, linearly by offset within that
 * interval. 0 when nothing is behind; when the record is older than the history, the age of
 * the oldest sample (a lower bound).
 */
export function lagSeconds(history: readonly WatermarkSample[], next: number, nowMs: number): number {
  const latest = history.at(-1);
  if (!latest || next >= latest.highWatermark) return 0;
  const first = history.findIndex((sample) => sample.highWatermark > next);
  if (first <= 0) return Math.max(0, nowMs - history[0]!.atMs) / 1000;
  const before = history[first - 1]!;
  const after = history[first]!;
  const fraction = (next - before.highWatermark + 1) / (after.highWatermark - before.highWatermark);
  const appendedAt = before.atMs + fraction * (after.atMs - before.atMs);
  return Math.max(0, nowMs - appendedAt) / 1000;
}

/**
 * Appends `sample` to `history`, dropping the oldest beyond `limit`; a sample that repeats the
 * previous high watermark replaces nothing but moves no estimate, so only changes and the
 * latest observation are kept (the latest bounds when an idle partition last grew).
 */
export function recordSample(history: WatermarkSample[], sample: WatermarkSample, limit: number): void {
  const last = history.at(-1);
  const beforeLast = history.at(-2);
  // Three equal watermarks in a row carry no more than the first and last of them.
  if (
    last &&
    beforeLast &&
    last.highWatermark === sample.highWatermark &&
    beforeLast.highWatermark === sample.highWatermark
  )
    history.pop();
  history.push(sample);
  while (history.length > limit) history.shift();
}
