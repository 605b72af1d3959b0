/**
 * Trace and span ids from the operating system's random source, drawn from a pooled buffer
 * refilled 4 KiB at a time, so an id costs a hex conversion rather than a system call or sixteen
 * calls to `Math.random`.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

function randomHex(bytes: number): string {
  for (;;) {
    if (offset + bytes > POOL_BYTES) {
      randomFillSync(pool);
      offset = 0;
    }
    const id = pool.toString('hex', offset, offset + bytes);
    offset += bytes;
    // An all-zero id is invalid in W3C trace context; draw again (about once in 2^64).
    if (id !== ZERO_TRACE_ID && id !== ZERO_SPAN_ID) return id;
  }
}

/** A new 16-byte trace id, as 32 lowercase hex digits. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A new 8-byte span id, as 16 lowercase hex digits. */
export function newSpanId(): string {
  return randomHex(8);
}
