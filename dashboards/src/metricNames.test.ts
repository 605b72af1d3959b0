import { metricNames } from './metricNames.ts';

describe('metricNames', () => {
  it('finds the metric of a plain selector', () => {
    expect(metricNames('up')).toEqual(['up']);
    expect(metricNames('http_requests_total{job="api", code=~"5.."}')).toEqual(['http_requests_total']);
  });

  it('skips functions, aggregations and their grouping labels', () => {
    expect(
      metricNames('histogram_quantile(0.95, sum by (le, service) (rate(x_bucket{a="b"}[$__rate_interval])))'),
    ).toEqual(['x_bucket']);
    expect(metricNames('sum(rate(a_total[5m])) without (instance)')).toEqual(['a_total']);
  });

  it('skips label names of vector matching clauses', () => {
    expect(metricNames('a / on (service) group_left (team) b * ignoring(x) c')).toEqual(['a', 'b', 'c']);
  });

  it('does not take label values, strings, numbers or durations for metrics', () => {
    expect(metricNames('count(up{job="faultline-services"} == 0) or vector(0)')).toEqual(['up']);
    expect(metricNames('a offset 5m > bool 1e-3 and b[1h30m:1m] unless c')).toEqual(['a', 'b', 'c']);
    expect(metricNames('label_replace(a, "dst", "$1", "src", "(.*)")')).toEqual(['a']);
  });

  it('reads a metric named by a __name__ matcher', () => {
    expect(metricNames('{__name__="a_total", service="x"}')).toEqual(['a_total']);
  });

  it('lists each metric once', () => {
    expect(metricNames('(a or b * 0) / (a + b)')).toEqual(['a', 'b']);
  });
});
