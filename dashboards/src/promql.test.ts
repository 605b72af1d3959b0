import { metrics } from './catalogue.ts';
import { eq, orZero, parseMatchers, quantile, re, series, serviceMatcher, up } from './promql.ts';

describe('series', () => {
  it('renders a catalogue metric with escaped matchers', () => {
    expect(series(metrics.breakerCalls, [serviceMatcher, eq('outcome', 'rejected')])).toBe(
      'circuit_breaker_calls_total{service=~"$service", outcome="rejected"}',
    );
    expect(series(metrics.messagingQueueDepth, [re('messaging_destination_name', '.+\\.dlq')])).toBe(
      'messaging_queue_depth{messaging_destination_name=~".+\\\\.dlq"}',
    );
  });

  it('refuses a label the catalogue does not give the metric', () => {
    expect(() => series(metrics.breakerCalls, [eq('queue', 'x')])).toThrow(
      /not a label of circuit_breaker_calls_total/,
    );
  });

  it('refuses a value outside a closed label’s documented values, also inside a plain alternation', () => {
    expect(() => series(metrics.breakerCalls, [eq('outcome', 'rejectd')])).toThrow(
      /never has the value "rejectd"/,
    );
    expect(() => series(metrics.retryAttempts, [re('outcome', 'success|gave_up')])).toThrow(/"gave_up"/);
  });

  it('makes histograms name the series they read', () => {
    expect(() => series(metrics.retryBackoff)).toThrow(/histogram/);
    expect(() => series(metrics.breakerCalls, [], 'count')).toThrow(/no _count series/);
    expect(quantile(0.5, metrics.retryBackoff, [], ['operation'])).toBe(
      'histogram_quantile(0.5, sum by (le, operation) (rate(retry_backoff_seconds_bucket[$__rate_interval])))',
    );
  });
});

describe('orZero and up', () => {
  it('keeps an "or zero" fallback together when it is an operand', () => {
    expect(`a + ${orZero('b', 'c')}`).toBe('a + ((b) or (c) * 0)');
  });

  it('matches the fallback on the shared labels when the expression keeps more', () => {
    expect(orZero('sum by (s, reason) (x)', 'sum by (s) (y)', ['s'])).toBe(
      '((sum by (s, reason) (x)) or on (s) (sum by (s) (y)) * 0)',
    );
  });

  it('lets up match target labels only', () => {
    expect(up([eq('job', 'x')])).toBe('up{job="x"}');
    expect(() => up([eq('service', 'x')])).toThrow(/target labels/);
  });
});

describe('parseMatchers', () => {
  it('reads the shared config selector settings, commas and escapes inside values included', () => {
    expect(parseMatchers('')).toEqual([]);
    expect(parseMatchers('service="gateway", http_route=~"/api/orders(/.*)?"')).toEqual([
      { label: 'service', op: '=', value: 'gateway' },
      { label: 'http_route', op: '=~', value: '/api/orders(/.*)?' },
    ]);
    expect(parseMatchers('a!~"x,y", b!="say \\"hi\\""')).toEqual([
      { label: 'a', op: '!~', value: 'x,y' },
      { label: 'b', op: '!=', value: 'say "hi"' },
    ]);
  });

  it('names the part it cannot read', () => {
    expect(() => parseMatchers('job=faultline')).toThrow('Cannot read the label matcher "job=faultline"');
  });
});
