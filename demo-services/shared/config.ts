/**
 * Configuration of every demo service, parsed at the edge from the environment into typed
 * objects. Nothing else in the demo reads `process.env`. A wrong value fails with one message
 * naming the variable and what it accepts.
 */
import { z } from 'zod';
import { parseHostPort, parseNatMap, type HostPort, type RedisTarget } from './redisTarget.ts';

/** A variable had a value its schema does not accept; the message names it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const url = (fallback: string) => z.string().url().default(fallback);
const positiveMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const hostPorts = z
  .string()
  .transform((text, ctx) => {
    const parsed = text.split(',').map(parseHostPort);
    if (parsed.length > 0 && parsed.every((p) => p !== undefined)) return parsed as HostPort[];
    ctx.addIssue({ code: 'custom', message: 'a comma-separated list of host:port' });
    return z.NEVER;
  })
  .optional();

const natMap = z
  .string()
  .transform((text, ctx) => {
    const parsed = parseNatMap(text);
    if (parsed) return parsed;
    ctx.addIssue({ code: 'custom', message: 'a comma-separated list of host:port=host:port' });
    return z.NEVER;
  })
  .default({});

const common = {
  // One host, or several (`postgres://u@h1:p1,h2:p2/db`): the pool follows the writable one.
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/([^@/]*@)?[^/?,]+(,[^/?,]+)*\/[^/?]+/,
      'a postgres:// URL with one or more host:port',
    )
    .default('postgres://postgres@127.0.0.1:5432/faultline'),
  REDIS_URL: url('redis://127.0.0.1:6379'),
  AMQP_URL: url('amqp://guest:guest@127.0.0.1:5672'),
  /** Prefix of every exchange and queue name, so tests never collide with the demo. */
  AMQP_NAME_PREFIX: z.string().default(''),
  /** Prefix of every Redis key, for the same reason. */
  REDIS_KEY_PREFIX: z.string().default('faultline:'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
};

const schemas = {
  gateway: z.object({
    PORT: port(8080),
    ORDER_SERVICE_URL: url('http://127.0.0.1:8083'),
    UPSTREAM_TIMEOUT_MS: positiveMs(5000),
    LOG_LEVEL: common.LOG_LEVEL,
  }),
  'order-service': z.object({
    PORT: port(8083),
    ...common,
    OUTBOX_POLL_MS: positiveMs(200),
    CACHE_TTL_SECONDS: positiveMs(300),
    /** Sentinels to ask for the master of `REDIS_SENTINEL_NAME`; when set, REDIS_URL is not used. */
    REDIS_SENTINELS: hostPorts,
    REDIS_SENTINEL_NAME: z.string().min(1).default('faultline'),
    /** Addresses Sentinel announces → where to connect instead (the demo's cuttable proxies). */
    REDIS_NAT_MAP: natMap,
  }),
  'payment-service': z.object({
    PORT: port(8084),
    ...common,
    PAYMENT_PROVIDER_URL: url('http://127.0.0.1:8086'),
    PREFETCH: z.coerce.number().int().positive().default(10),
    PROVIDER_TIMEOUT_MS: positiveMs(2000),
    RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(0).default(3),
    REDELIVERY_DELAY_MS: positiveMs(2000),
    MAX_DELIVERIES: z.coerce.number().int().positive().default(10),
    BREAKER_RESET_MS: positiveMs(3000),
    /** A saga under way whose last step is older than this counts as stuck (`saga_stuck`). */
    SAGA_STUCK_AFTER_MS: positiveMs(120_000),
  }),
  'payment-provider': z.object({
    PORT: port(8086),
    LOG_LEVEL: common.LOG_LEVEL,
  }),
  'load-generator': z.object({
    TARGET_URL: url('http://127.0.0.1:8080'),
    RATE_PER_SECOND: z.coerce.number().positive().default(4),
    DECLINE_RATIO: z.coerce.number().min(0).max(1).default(0.05),
    DUPLICATE_RATIO: z.coerce.number().min(0).max(1).default(0.05),
    LOG_LEVEL: common.LOG_LEVEL,
  }),
} as const;

/** The services that read a configuration. */
export type ServiceName = keyof typeof schemas;

type RawConfig<S extends ServiceName> = z.infer<(typeof schemas)[S]>;

/** Parsed configuration of the gateway. */
export interface GatewayConfig {
  port: number;
  orderServiceUrl: string;
  upstreamTimeoutMs: number;
  logLevel: string;
}

/** Connection settings shared by the services that talk to the stores and the broker. */
export interface BackendConfig {
  databaseUrl: string;
  redisUrl: string;
  amqpUrl: string;
  amqpNamePrefix: string;
  redisKeyPrefix: string;
}

/** Parsed configuration of the order service. */
export interface OrderServiceConfig extends BackendConfig {
  port: number;
  /** The order cache's Redis: `redisUrl`, or a master through Sentinel. */
  redis: RedisTarget;
  outboxPollMs: number;
  cacheTtlSeconds: number;
  logLevel: string;
}

/** Parsed configuration of one payment-service instance. */
export interface PaymentServiceConfig extends BackendConfig {
  port: number;
  paymentProviderUrl: string;
  prefetch: number;
  providerTimeoutMs: number;
  retryMaxAttempts: number;
  redeliveryDelayMs: number;
  maxDeliveries: number;
  breakerResetMs: number;
  sagaStuckAfterMs: number;
  logLevel: string;
}

/** Parsed configuration of the payment-provider simulator. */
export interface PaymentProviderConfig {
  port: number;
  logLevel: string;
}

/** Parsed configuration of the load generator. */
export interface LoadGeneratorConfig {
  targetUrl: string;
  ratePerSecond: number;
  declineRatio: number;
  duplicateRatio: number;
  logLevel: string;
}

function parse<S extends ServiceName>(service: S, env: NodeJS.ProcessEnv): RawConfig<S> {
  const result = schemas[service].safeParse(env);
  if (result.success) return result.data as RawConfig<S>;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration for ${service}: ${issues.join('; ')}`);
}

function backend(raw: z.infer<z.ZodObject<typeof common>>): BackendConfig {
  return {
    databaseUrl: raw.DATABASE_URL,
    redisUrl: raw.REDIS_URL,
    amqpUrl: raw.AMQP_URL,
    amqpNamePrefix: raw.AMQP_NAME_PREFIX,
    redisKeyPrefix: raw.REDIS_KEY_PREFIX,
  };
}

/** Reads the gateway's configuration. Throws ConfigError naming the bad variable. */
export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const raw = parse('gateway', env);
  return {
    port: raw.PORT,
    orderServiceUrl: raw.ORDER_SERVICE_URL,
    upstreamTimeoutMs: raw.UPSTREAM_TIMEOUT_MS,
    logLevel: raw.LOG_LEVEL,
  };
}

/** Reads the order service's configuration. Throws ConfigError naming the bad variable. */
export function orderServiceConfig(env: NodeJS.ProcessEnv = process.env): OrderServiceConfig {
  const raw = parse('order-service', env);
  return {
    ...backend(raw),
    port: raw.PORT,
    redis: raw.REDIS_SENTINELS
      ? {
          kind: 'sentinel',
          name: raw.REDIS_SENTINEL_NAME,
          sentinels: raw.REDIS_SENTINELS,
          natMap: raw.REDIS_NAT_MAP,
        }
      : { kind: 'url', url: raw.REDIS_URL },
    outboxPollMs: raw.OUTBOX_POLL_MS,
    cacheTtlSeconds: raw.CACHE_TTL_SECONDS,
    logLevel: raw.LOG_LEVEL,
  };
}

/** Reads a payment-service instance's configuration. Throws ConfigError naming the bad variable. */
export function paymentServiceConfig(env: NodeJS.ProcessEnv = process.env): PaymentServiceConfig {
  const raw = parse('payment-service', env);
  return {
    ...backend(raw),
    port: raw.PORT,
    paymentProviderUrl: raw.PAYMENT_PROVIDER_URL,
    prefetch: raw.PREFETCH,
    providerTimeoutMs: raw.PROVIDER_TIMEOUT_MS,
    retryMaxAttempts: raw.RETRY_MAX_ATTEMPTS,
    redeliveryDelayMs: raw.REDELIVERY_DELAY_MS,
    maxDeliveries: raw.MAX_DELIVERIES,
    breakerResetMs: raw.BREAKER_RESET_MS,
    sagaStuckAfterMs: raw.SAGA_STUCK_AFTER_MS,
    logLevel: raw.LOG_LEVEL,
  };
}

/** Reads the payment provider's configuration. Throws ConfigError naming the bad variable. */
export function paymentProviderConfig(env: NodeJS.ProcessEnv = process.env): PaymentProviderConfig {
  const raw = parse('payment-provider', env);
  return { port: raw.PORT, logLevel: raw.LOG_LEVEL };
}

/** Reads the load generator's configuration. Throws ConfigError naming the bad variable. */
export function loadGeneratorConfig(env: NodeJS.ProcessEnv = process.env): LoadGeneratorConfig {
  const raw = parse('load-generator', env);
  return {
    targetUrl: raw.TARGET_URL,
    ratePerSecond: raw.RATE_PER_SECOND,
    declineRatio: raw.DECLINE_RATIO,
    duplicateRatio: raw.DUPLICATE_RATIO,
    logLevel: raw.LOG_LEVEL,
  };
}
