import { MetricsRegistry } from '../src/metrics/MetricsRegistry.ts';
import { negotiateFormat } from '../src/metrics/exposition.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';

describe('the metrics exposition', () => {
  it('negotiates OpenMetrics only when the scraper asks for it', () => {
    expect(negotiateFormat('application/openmetrics-text;version=1.0.0,text/plain;q=0.5')).toBe(
      'openmetrics',
    );
    expect(negotiateFormat('text/plain')).toBe('prometheus');
    expect(negotiateFormat(undefined)).toBe('prometheus');
  });

  it('adds the service label to every series and escapes label values', async () => {
    const registry = new MetricsRegistry({ service: 'checkout', defaultMetrics: false });
    registry.counter('breakerCalls').inc({ breaker: 'say "hi"\\n', outcome: 'success' });
    const text = await registry.render('prometheus');
    expect(text).toContain(
      'circuit_breaker_calls_total{service="checkout",breaker="say \\"hi\\"\\\\n",outcome="success"} 1',
    );
    expect((await promtoolCheckMetrics(text)).code).toBe(0);
  });

  it('renders OpenMetrics counters with a _total sample under a family without it', async () => {
    const registry = new MetricsRegistry({ service: 's', defaultMetrics: false });
    registry.counter('retryAttempts').inc({ operation: 'charge', outcome: 'retry' }, 2);
    const text = await registry.render('openmetrics');
    expect(text).toContain('# TYPE retry_attempts counter');
    expect(text).toContain('retry_attempts_total{service="s",operation="charge",outcome="retry"} 2');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('keeps default process metrics promtool-clean', async () => {
    const registry = new MetricsRegistry({ service: 's', defaultMetrics: true });
    const { code, output } = await promtoolCheckMetrics(await registry.render('prometheus'));
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('refuses to hand out a catalogue metric as the wrong type', () => {
    const registry = new MetricsRegistry({ service: 's', defaultMetrics: false });
    expect(() => registry.gauge('breakerCalls')).toThrow(
      'Catalogue metric breakerCalls is a counter, not a gauge',
    );
  });
});
