/**
 * A minimal protobuf writer for the OTLP trace messages: varints, fixed64 timestamps, doubles,
 * strings and nested (length-delimited) messages, written straight into one growable buffer.
 * A nested message reserves one length byte and is moved only in the rare case its length needs
 * more, so encoding a span allocates nothing but the buffer it grows into.
 */

const INITIAL_BYTES = 16 * 1024;

/** Value of each hex digit by character code; -1 for anything else. */
const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_DIGIT[digit.toString(16).charCodeAt(0)] = digit;
  HEX_DIGIT[digit.toString(16).toUpperCase().charCodeAt(0)] = digit;
}

/** Wire types of protobuf fields. */
export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
type WireType = (typeof WireType)[keyof typeof WireType];

/** Appends protobuf fields to a growable buffer. */
export class ProtoWriter {
  #buffer: Buffer;
  #length = 0;

  constructor(initialBytes = INITIAL_BYTES) {
    this.#buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** A view of everything written (valid until the next write). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  /** Forgets what was written; keeps the buffer for reuse. */
  reset(): void {
    this.#length = 0;
  }

  /** Drops what was written after `length` (undoes a partial write). */
  truncate(length: number): void {
    this.#length = length;
  }

  #ensure(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  /** A field tag. */
  tag(field: number, wire: WireType): void {
    this.varint((field << 3) | wire);
  }

  /** An unsigned varint below 2^53. */
  varint(value: number): void {
    this.#ensure(10);
    const buffer = this.#buffer;
    let at = this.#length;
    while (value > 0x7f) {
      buffer[at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buffer[at++] = value;
    this.#length = at;
  }

  /** A varint field (skipped when 0, as proto3 does). */
  uint(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, WireType.Varint);
    this.varint(value);
  }

  /** An int64 varint field holding a safe integer (negative numbers take ten bytes). */
  int64(field: number, value: number): void {
    this.tag(field, WireType.Varint);
    if (value >= 0) {
      this.varint(value);
      return;
    }
    this.#ensure(10);
    const big = BigInt.asUintN(64, BigInt(value));
    let rest = big;
    for (let i = 0; i < 9; i++) {
      this.#buffer[this.#length++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.#buffer[this.#length++] = Number(rest);
  }

  /** A bool field (always written: it is used inside oneofs). */
  bool(field: number, value: boolean): void {
    this.tag(field, WireType.Varint);
    this.varint(value ? 1 : 0);
  }

  /** A double field (always written: it is used inside oneofs). */
  double(field: number, value: number): void {
    this.tag(field, WireType.Fixed64);
    this.#ensure(8);
    this.#buffer.writeDoubleLE(value, this.#length);
    this.#length += 8;
  }

  /** Four little-endian bytes, no tag (half of a fixed64). */
  fixed32Raw(value: number): void {
    this.#ensure(4);
    this.#buffer.writeUInt32LE(value >>> 0, this.#length);
    this.#length += 4;
  }

  /** A fixed32 field (skipped when 0). */
  fixed32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, WireType.Fixed32);
    this.#ensure(4);
    this.#buffer.writeUInt32LE(value >>> 0, this.#length);
    this.#length += 4;
  }

  /** A string field, written even when empty when `always` (oneof members). */
  string(field: number, value: string, always = false): void {
    if (value.length === 0 && !always) return;
    this.tag(field, WireType.LengthDelimited);
    // At most 3 bytes per UTF-16 unit; write, then fix the length prefix.
    const length = value.length;
    if (length < 0x80) {
      // Short strings are mostly ASCII: copy the code units, falling back at the first other one.
      this.#ensure(1 + length * 3);
      const buffer = this.#buffer;
      const start = this.#length + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        buffer[start + i] = code;
      }
      if (i === length) {
        buffer[start - 1] = length;
        this.#length = start + length;
        return;
      }
      if (length * 3 < 0x80) {
        const written = buffer.write(value, start, 'utf8');
        buffer[start - 1] = written;
        this.#length = start + written;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.#ensure(bytes);
    this.#buffer.write(value, this.#length, 'utf8');
    this.#length += bytes;
  }

  /**
   * A bytes field from hex (trace and span ids); skipped when empty. Every byte the field claims
   * is written: a digit that is not hex counts as 0 and an odd trailing digit is ignored, so a
   * malformed id can never expose bytes of the buffer that were not written. The tracer only passes
   * valid ids (it drops links to invalid span contexts); this is the writer's own guarantee.
   */
  hex(field: number, value: string): void {
    if (value.length === 0) return;
    const bytes = value.length >>> 1;
    this.tag(field, WireType.LengthDelimited);
    this.varint(bytes);
    this.#ensure(bytes);
    const buffer = this.#buffer;
    const at = this.#length;
    for (let i = 0; i < bytes; i++) {
      const high = HEX_DIGIT[value.charCodeAt(2 * i)] ?? -1;
      const low = HEX_DIGIT[value.charCodeAt(2 * i + 1)] ?? -1;
      buffer[at + i] = ((high < 0 ? 0 : high) << 4) | (low < 0 ? 0 : low);
    }
    this.#length += bytes;
  }

  /** A bytes field copied from `source`. */
  raw(field: number, source: Uint8Array): void {
    this.tag(field, WireType.LengthDelimited);
    this.varint(source.length);
    this.append(source);
  }

  /** Appends bytes that are already encoded fields. */
  append(source: Uint8Array): void {
    const length = source.length;
    this.#ensure(length);
    if (length < 64) {
      // A loop beats the native copy for the short pre-encoded keys this mostly appends.
      const buffer = this.#buffer;
      const at = this.#length;
      for (let i = 0; i < length; i++) buffer[at + i] = source[i]!;
    } else {
      this.#buffer.set(source, this.#length);
    }
    this.#length += length;
  }

  /** Starts a nested message field; returns the mark {@link end} needs. */
  begin(field: number): number {
    this.tag(field, WireType.LengthDelimited);
    this.#ensure(1);
    this.#length += 1;
    return this.#length;
  }

  /** Ends the nested message started at `mark`, writing its length before it. */
  end(mark: number): void {
    const size = this.#length - mark;
    if (size < 0x80) {
      this.#buffer[mark - 1] = size;
      return;
    }
    let prefix = 1;
    for (let rest = size; rest >= 0x80; rest = Math.floor(rest / 0x80)) prefix++;
    this.#ensure(prefix - 1);
    this.#buffer.copy(this.#buffer, mark - 1 + prefix, mark, this.#length);
    let at = mark - 1;
    let rest = size;
    while (rest > 0x7f) {
      this.#buffer[at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#buffer[at] = rest;
    this.#length += prefix - 1;
  }
}
