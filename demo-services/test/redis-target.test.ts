/** Parsing where the order cache's Redis is: one URL, or Sentinels with an optional NAT map. */
import { ConfigError, orderServiceConfig } from '../shared/config.ts';
import { parseHostPort, parseNatMap } from '../shared/redisTarget.ts';

test('host:port pairs and NAT maps parse, and malformed ones are refused', () => {
  expect(parseHostPort('127.0.0.1:26379')).toEqual({ host: '127.0.0.1', port: 26379 });
  expect(parseHostPort('127.0.0.1')).toBeUndefined();
  expect(parseHostPort('127.0.0.1:70000')).toBeUndefined();
  expect(parseNatMap('127.0.0.1:6380=127.0.0.1:41000,127.0.0.1:6381=127.0.0.1:41001')).toEqual({
    '127.0.0.1:6380': { host: '127.0.0.1', port: 41000 },
    '127.0.0.1:6381': { host: '127.0.0.1', port: 41001 },
  });
  expect(parseNatMap('127.0.0.1:6380')).toBeUndefined();
});

test('REDIS_SENTINELS makes the cache find its master through Sentinel; without it REDIS_URL is used', () => {
  expect(orderServiceConfig({ REDIS_URL: 'redis://127.0.0.1:6390' }).redis).toEqual({
    kind: 'url',
    url: 'redis://127.0.0.1:6390',
  });
  expect(
    orderServiceConfig({
      REDIS_SENTINELS: '127.0.0.1:26379,127.0.0.1:26380',
      REDIS_NAT_MAP: '127.0.0.1:6380=127.0.0.1:41000',
    }).redis,
  ).toEqual({
    kind: 'sentinel',
    name: 'faultline',
    sentinels: [
      { host: '127.0.0.1', port: 26379 },
      { host: '127.0.0.1', port: 26380 },
    ],
    natMap: { '127.0.0.1:6380': { host: '127.0.0.1', port: 41000 } },
  });
  expect(() => orderServiceConfig({ REDIS_SENTINELS: 'localhost' })).toThrow(
    new ConfigError(
      'Invalid configuration for order-service: REDIS_SENTINELS: a comma-separated list of host:port',
    ),
  );
});
