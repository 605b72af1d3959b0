/** The pure parts of the OTLP/HTTP sender: reading Retry-After and a partial success answer. */
import { exportResponse } from '../../testing/receivers/otlp/decodeTraceExport.ts';
import { retryAfterMs } from '../src/tracing/otlp/OtlpHttpSender.ts';
import { readExportResponse } from '../src/tracing/otlp/exportResponse.ts';

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    [' 3 ', 3000],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('reads %j as a wait of %j ms, uncapped', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});

describe('an export answer', () => {
  it.each(['protobuf', 'json'] as const)('says how many spans were refused and why (%s)', (encoding) => {
    const body = exportResponse(encoding, { rejectedSpans: 7, errorMessage: 'quota exceeded' });
    expect(readExportResponse(body, encoding)).toEqual({ rejected: 7, message: 'quota exceeded' });
  });

  it.each(['protobuf', 'json'] as const)('without a partial success refuses nothing (%s)', (encoding) => {
    expect(readExportResponse(exportResponse(encoding, undefined), encoding)).toEqual({
      rejected: 0,
      message: '',
    });
    expect(readExportResponse(Buffer.from([0xff, 0xff]), encoding)).toEqual({ rejected: 0, message: '' });
  });
});
