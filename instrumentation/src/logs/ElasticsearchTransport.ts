/**
 * A winston transport that ships each record to Elasticsearch as an ECS document. With
 * `start()` and `FAULTLINE_ELASTICSEARCH_URL`, Faultline adds one to every logger by itself;
 * an app adds one explicitly to send a logger somewhere else:
 *
 *     logger.add(new ElasticsearchTransport({ url: 'https://es:9200', index: 'logs-audit-default' }));
 *
 * Logging through it never blocks and never throws: records are converted, masked and handed to
 * a bounded buffer ({@link ElasticsearchShipper}).
 */
import TransportStream from 'winston-transport';
import { describeIssue, parseConfig } from '../config/parseConfig.ts';
import type { ElasticsearchEnabled, ServiceIdentity } from '../config/types.ts';
import { createRedactor, type Redactor } from '../redaction/createRedactor.ts';
import { getRuntime } from '../runtime.ts';
import { ElasticsearchShipper } from './ElasticsearchShipper.ts';
import { shipRecord, type LogShipping } from './shipRecord.ts';

/** Where records go: an existing shipper (shared, not owned), or a destination of its own. */
export type ElasticsearchDestination =
  | { readonly shipper: ElasticsearchShipper }
  | {
      /** Elasticsearch URL. */
      readonly url: string;
      /** Index or data stream (default `logs-faultline-default`). */
      readonly index?: string;
      /** API key (the encoded form). */
      readonly apiKey?: string;
      /** Records buffered at most (default 10 000). */
      readonly bufferSize?: number;
      /** Records per bulk request (default 500). */
      readonly batchSize?: number;
      /** Longest wait before a partial batch is sent (default 1000 ms). */
      readonly flushIntervalMs?: number;
      /** Retries of a refused batch before it is dropped (default 3). */
      readonly maxRetries?: number;
    };

/** Options of an {@link ElasticsearchTransport}: a destination plus winston's transport options. */
export type ElasticsearchTransportOptions = ElasticsearchDestination &
  Pick<TransportStream.TransportStreamOptions, 'level' | 'silent' | 'format'> & {
    /** Service the records describe (default: this process's configured service). */
    readonly service?: ServiceIdentity;
    /** Redactor (default: one for `FAULTLINE_REDACT_KEYS`). */
    readonly redactor?: Redactor;
  };

/**
 * Builds the shipper settings for an explicit destination with the configuration parser, so
 * defaults and validation are the same as for the environment variables. Throws a TypeError
 * naming every invalid option.
 */
function destinationConfig(
  destination: Exclude<ElasticsearchDestination, { shipper: unknown }>,
): ElasticsearchEnabled {
  const variables: Record<string, [string, unknown]> = {
    FAULTLINE_ELASTICSEARCH_URL: ['url', destination.url],
    FAULTLINE_LOG_INDEX: ['index', destination.index],
    FAULTLINE_LOG_BUFFER_SIZE: ['bufferSize', destination.bufferSize],
    FAULTLINE_LOG_BATCH_SIZE: ['batchSize', destination.batchSize],
    FAULTLINE_LOG_FLUSH_INTERVAL_MS: ['flushIntervalMs', destination.flushIntervalMs],
    FAULTLINE_LOG_MAX_RETRIES: ['maxRetries', destination.maxRetries],
    FAULTLINE_ELASTICSEARCH_API_KEY: ['apiKey', destination.apiKey],
  };
  const env: Record<string, string> = {};
  for (const [variable, [, value]] of Object.entries(variables)) {
    if (value !== undefined) env[variable] = String(value);
  }
  const config = parseConfig(env, () => {
    throw new Error('no secret files for an explicit transport');
  });
  const problems = config.issues
    .filter((issue) => issue.variable in variables)
    .map((issue) => `${variables[issue.variable]?.[0]}: ${describeIssue(issue)}`);
  const shipping = config.logs.elasticsearch;
  if (problems.length > 0 || !shipping.enabled) {
    throw new TypeError(
      `ElasticsearchTransport: invalid options: ${problems.join('; ') || 'url is required'}`,
    );
  }
  return shipping;
}

/** Ships winston records to Elasticsearch as masked ECS documents. */
export class ElasticsearchTransport extends TransportStream {
  /** The shipper records are handed to (flush or inspect it; shut it down if you created it). */
  readonly shipper: ElasticsearchShipper;
  readonly #owned: boolean;
  /** The shipper with the service and redactor its records are converted with. */
  readonly #shipping: LogShipping;

  /**
   * With `{ shipper }` records go to that shipper, which the transport never shuts down. With
   * `{ url, ... }` the transport creates its own shipper (Faultline's metrics and self-log) and
   * shuts it down when winston closes it (`logger.close()`, `logger.remove(transport)`).
   * Throws a TypeError for invalid destination options.
   */
  constructor(options: ElasticsearchTransportOptions) {
    super({ level: options.level, silent: options.silent, format: options.format });
    const needsRuntime =
      !('shipper' in options) || options.service === undefined || options.redactor === undefined;
    const runtime = needsRuntime ? getRuntime() : undefined;
    if ('shipper' in options) {
      this.shipper = options.shipper;
      this.#owned = false;
    } else {
      const { metrics, log } = runtime as NonNullable<typeof runtime>;
      this.shipper = new ElasticsearchShipper(destinationConfig(options), { metrics, log });
      this.#owned = true;
    }
    this.#shipping = {
      shipper: this.shipper,
      service: options.service ?? (runtime as NonNullable<typeof runtime>).config.service,
      redactor: options.redactor ?? createRedactor({ extraKeys: runtime?.config.redactKeys ?? [] }),
    };
  }

  /** Converts `info` to a masked ECS record and buffers it; never throws into winston. */
  override log(info: object, next: () => void): void {
    shipRecord(this.#shipping, info);
    next();
  }

  /** Called by winston when the transport is removed or its logger closed. */
  override close(): void {
    if (this.#owned) void this.shipper.shutdown();
  }
}
