/**
 * Where a service's Redis is: one server (`REDIS_URL`), or a master found through Sentinel
 * (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`), optionally behind address translation
 * (`REDIS_NAT_MAP`: the demo puts a cuttable TCP proxy in front of each Redis node, so the
 * addresses Sentinel announces are mapped to the proxies). One function makes the client.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** A `host:port`. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The Redis a client connects to. */
export type RedisTarget =
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'sentinel';
      readonly name: string;
      readonly sentinels: readonly HostPort[];
      /** Announced `host:port` → where to connect instead. */
      readonly natMap: Readonly<Record<string, HostPort>>;
    };

const HOST_PORT = /^([^:,=\s]+):(\d{1,5})$/;

/** Parses `host:port`; undefined when it is not one. */
export function parseHostPort(text: string): HostPort | undefined {
  const match = HOST_PORT.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1] as string, port } : undefined;
}

/** Parses `a:1=b:2,c:3=d:4` into a NAT map; undefined when malformed. */
export function parseNatMap(text: string): Record<string, HostPort> | undefined {
  const map: Record<string, HostPort> = {};
  for (const pair of text.split(',').filter((p) => p.trim() !== '')) {
    const [from, to] = pair.split('=');
    const announced = from === undefined ? undefined : parseHostPort(from);
    const target = to === undefined ? undefined : parseHostPort(to);
    if (!announced || !target) return undefined;
    map[`${announced.host}:${announced.port}`] = target;
  }
  return map;
}

/** A client of `target` with `options` (fail-fast settings are the caller's). */
export function redisClient(target: RedisTarget, options: RedisOptions): Redis {
  if (target.kind === 'url') return new Redis(target.url, options);
  return new Redis({
    ...options,
    name: target.name,
    sentinels: target.sentinels.map((s) => ({ ...s })),
    natMap: { ...target.natMap },
    // Sentinel's +switch-master reaches the client at once instead of at its next reconnect.
    failoverDetector: true,
    sentinelRetryStrategy: (times) => Math.min(times * 100, 1000),
  });
}
