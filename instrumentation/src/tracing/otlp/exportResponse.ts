/**
 * The `partial_success` of an `ExportTraceServiceResponse`: a backend that accepted the request
 * but refused some of its spans says how many (`rejected_spans`) and why (`error_message`). Those
 * spans are lost, so the export queue counts them as dropped rather than exported.
 */

/** What a successful export answer said about rejected spans. */
export interface ExportAccepted {
  /** Spans the backend refused (0 when the answer had no partial success). */
  readonly rejected: number;
  /** The backend's reason, when it gave one. */
  readonly message: string;
}

/** An answer with nothing rejected. */
export const ALL_ACCEPTED: ExportAccepted = { rejected: 0, message: '' };

/** Reads the partial success of an answer body in the request's encoding; malformed bodies count as fully accepted. */
export function readExportResponse(body: Buffer, encoding: 'protobuf' | 'json'): ExportAccepted {
  if (body.length === 0) return ALL_ACCEPTED;
  try {
    return encoding === 'json' ? fromJson(body) : fromProtobuf(body);
  } catch {
    return ALL_ACCEPTED;
  }
}

function fromJson(body: Buffer): ExportAccepted {
  const parsed = JSON.parse(body.toString('utf8')) as {
    partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string };
  };
  const partial = parsed.partialSuccess;
  if (partial === undefined || partial === null) return ALL_ACCEPTED;
  const rejected = Number(partial.rejectedSpans ?? 0);
  return {
    rejected: Number.isSafeInteger(rejected) && rejected > 0 ? rejected : 0,
    message: typeof partial.errorMessage === 'string' ? partial.errorMessage : '',
  };
}

/** A reader of the few wire types these two messages use. */
class WireReader {
  at = 0;
  readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.bytes[this.at++];
      if (byte === undefined) throw new RangeError('truncated varint');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new RangeError('varint too long');
  }

  /** Skips a field of `wire` type, or returns the bytes of a length-delimited one. */
  field(wire: number): Buffer | undefined {
    if (wire === 0) this.varint();
    else if (wire === 1) this.at += 8;
    else if (wire === 5) this.at += 4;
    else if (wire === 2) {
      const length = this.varint();
      const value = this.bytes.subarray(this.at, this.at + length);
      if (value.length !== length) throw new RangeError('truncated field');
      this.at += length;
      return value;
    } else throw new RangeError(`unsupported wire type ${wire}`);
    return undefined;
  }
}

function fromProtobuf(body: Buffer): ExportAccepted {
  const response = new WireReader(body);
  let result = ALL_ACCEPTED;
  while (!response.done) {
    const tag = response.varint();
    const value = response.field(tag & 7);
    if (tag >>> 3 === 1 && value !== undefined) result = partialSuccess(new WireReader(value));
  }
  return result;
}

function partialSuccess(reader: WireReader): ExportAccepted {
  let rejected = 0;
  let message = '';
  while (!reader.done) {
    const tag = reader.varint();
    const wire = tag & 7;
    if (tag >>> 3 === 1 && wire === 0) rejected = reader.varint();
    else {
      const value = reader.field(wire);
      if (tag >>> 3 === 2 && value !== undefined) message = value.toString('utf8');
    }
  }
  return { rejected: Number.isSafeInteger(rejected) ? rejected : 0, message };
}
