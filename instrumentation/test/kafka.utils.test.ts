/**
 * The Kafka instrumentation's pure decisions: record lag, outcome, header reading and trace
 * context validity, and consumer-group lag with its estimate in seconds from a bounded history.
 */
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { lagSeconds, partitionLag, recordSample, type WatermarkSample } from '../src/kafka/lag.ts';
import { hasInvalidTraceContext, headerText, kafkaOutcome, recordLagSeconds } from '../src/kafka/utils.ts';

beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
afterAll(() => propagation.disable());

const VALID = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

test('record lag is the time since the record timestamp, never negative, undefined without one', () => {
  expect(recordLagSeconds('1000', 3500)).toBe(2.5);
  expect(recordLagSeconds('5000', 3500)).toBe(0);
  expect(recordLagSeconds(undefined, 3500)).toBeUndefined();
  expect(recordLagSeconds('-1', 3500)).toBeUndefined();
  expect(recordLagSeconds('soon', 3500)).toBeUndefined();
});

test('a handler that succeeded is ack, one that threw is requeue', () => {
  expect(kafkaOutcome(false)).toBe('ack');
  expect(kafkaOutcome(true)).toBe('requeue');
});

test('headers are read from Buffers, strings and repeated values', () => {
  expect(headerText(Buffer.from('x'))).toBe('x');
  expect(headerText('y')).toBe('y');
  expect(headerText([Buffer.from('first'), 'second'])).toBe('first');
  expect(headerText(undefined)).toBeUndefined();
});

test('only a present but unreadable traceparent is invalid trace context', () => {
  expect(hasInvalidTraceContext(undefined)).toBe(false);
  expect(hasInvalidTraceContext({ other: Buffer.from('1') })).toBe(false);
  expect(hasInvalidTraceContext({ traceparent: Buffer.from(VALID) })).toBe(false);
  expect(hasInvalidTraceContext({ traceparent: Buffer.from('garbage') })).toBe(true);
  expect(
    hasInvalidTraceContext({ traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' }),
  ).toBe(true);
});

test('partition lag counts from the committed offset, or from the earliest before any commit', () => {
  expect(partitionLag(40, 0, 50)).toBe(10);
  expect(partitionLag(-1, 20, 50)).toBe(30);
  expect(partitionLag(60, 0, 50)).toBe(0);
});

describe('lag in seconds', () => {
  const history: WatermarkSample[] = [
    { atMs: 0, highWatermark: 10 },
    { atMs: 10_000, highWatermark: 20 },
    { atMs: 20_000, highWatermark: 20 },
    { atMs: 30_000, highWatermark: 40 },
  ];

  test('is 0 when the group has consumed everything', () => {
    expect(lagSeconds(history, 40, 35_000)).toBe(0);
  });

  test('interpolates when the next record was appended between two samples', () => {
    // Records 20..39 appeared between 20 s and 30 s: record 20 at 20.5 s, record 29 at 25 s.
    expect(lagSeconds(history, 20, 35_000)).toBeCloseTo(14.5);
    expect(lagSeconds(history, 29, 35_000)).toBeCloseTo(10);
  });

  test('is a lower bound, the age of the oldest sample, past the history', () => {
    expect(lagSeconds(history, 5, 35_000)).toBe(35);
  });

  test('is 0 without history', () => {
    expect(lagSeconds([], 5, 35_000)).toBe(0);
  });
});

test('the history stays bounded and keeps only the first and last of equal watermarks', () => {
  const history: WatermarkSample[] = [];
  for (let i = 0; i < 5; i += 1) recordSample(history, { atMs: i, highWatermark: 7 }, 3);
  expect(history).toEqual([
    { atMs: 0, highWatermark: 7 },
    { atMs: 4, highWatermark: 7 },
  ]);
  for (let i = 5; i < 10; i += 1) recordSample(history, { atMs: i, highWatermark: i }, 3);
  expect(history.map((sample) => sample.atMs)).toEqual([7, 8, 9]);
});
