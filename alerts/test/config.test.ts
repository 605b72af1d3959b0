/**
 * The promises the configuration makes, checked as arithmetic on its numbers, so a threshold
 * change that breaks one fails here with the reason.
 */
import { defaultConfig } from '../src/config.ts';
import { seconds } from '../src/promql.ts';

const { thresholds, routing, slos } = defaultConfig;
const [slo] = slos;
if (!slo) throw new Error('the default configuration has no SLO');

describe('alerting configuration', () => {
  it('pages CircuitBreakerOpen within 2 minutes of opening, with 30s scrapes and 15s evaluations', () => {
    const worstCase = 30 + 15 + seconds(thresholds.breakerOpenFor) + seconds(routing.critical.groupWait);
    expect(worstCase).toBeLessThanOrEqual(120);
  });

  it('pages nobody for a steady 0.5% error rate on the order API (burn rate 5x)', () => {
    const burnRate = 0.005 / (1 - slo.target);
    const paging = slo.tiers.filter((tier) => tier.severity === 'critical');
    expect(paging.length).toBeGreaterThan(0);
    for (const tier of paging) expect(burnRate).toBeLessThan(tier.burnRate);
  });

  it('records the error ratio over every window a burn-rate tier uses', () => {
    for (const tier of slo.tiers) {
      expect(slo.recordedWindows).toEqual(expect.arrayContaining([tier.longWindow, tier.shortWindow]));
    }
  });

  it('uses the four tiers of the SRE workbook as sloth ships them: 14.4x 1h/5m and 6x 6h/30m page, 3x 1d/2h and 1x 3d/6h ticket', () => {
    const tiers = slo.tiers.map((t) => [t.burnRate, t.longWindow, t.shortWindow, t.severity]);
    expect(tiers).toEqual([
      [14.4, '1h', '5m', 'critical'],
      [6, '6h', '30m', 'critical'],
      [3, '1d', '2h', 'warning'],
      [1, '3d', '6h', 'warning'],
    ]);
  });

  it('names no scrape job in any selector, so the rules work whatever the scrape layout', () => {
    const selectors = [...Object.values(defaultConfig.selectors), ...slos.map((s) => s.requestSelector)];
    for (const selector of selectors) expect(selector).not.toMatch(/\bjob\b/);
  });

  it('repeats the Watchdog heartbeat more often than any other notification', () => {
    for (const route of [routing.critical, routing.warning]) {
      expect(seconds(routing.heartbeat.repeatInterval)).toBeLessThan(seconds(route.repeatInterval));
    }
  });
});
