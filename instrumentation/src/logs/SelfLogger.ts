/**
 * Faultline's own structured log lines (breaker state changes, telemetry problems): one ECS JSON
 * object per line on stdout, with the active span's trace and span ids, and handed to the log
 * shipper when one is attached. Writing never throws.
 */
import { trace } from '@opentelemetry/api';
import { ECS_VERSION, logFields } from '../catalogue/index.ts';
import type { ServiceIdentity } from '../config/types.ts';

/** Severity of a Faultline log line. */
export type SelfLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A sink for finished ECS records (the Elasticsearch shipper). */
export interface LogRecordSink {
  enqueue(record: Record<string, unknown>): void;
}

/** Writes Faultline's own ECS log lines. */
export class SelfLogger {
  readonly #service: ServiceIdentity;
  #sink: LogRecordSink | undefined;
  #write: (line: string) => void;

  constructor(
    service: ServiceIdentity,
    write: (line: string) => void = (line) => process.stdout.write(line),
  ) {
    this.#service = service;
    this.#write = write;
  }

  /** Sends every later record to `sink` as well (undefined detaches). */
  attachSink(sink: LogRecordSink | undefined): void {
    this.#sink = sink;
  }

  /** Redirects the line output (tests). */
  setWriter(write: (line: string) => void): void {
    this.#write = write;
  }

  /** Logs `message` with ECS `fields` (dotted names), correlated with the active span. */
  log(level: SelfLogLevel, message: string, fields: Record<string, unknown> = {}): void {
    const record: Record<string, unknown> = {
      [logFields.timestamp]: new Date().toISOString(),
      [logFields.level]: level,
      [logFields.message]: message,
      [logFields.ecsVersion]: ECS_VERSION,
      [logFields.logger]: 'faultline',
      [logFields.serviceName]: this.#service.name,
      ...fields,
    };
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (spanContext && trace.isSpanContextValid(spanContext)) {
      record[logFields.traceId] = spanContext.traceId;
      record[logFields.spanId] = spanContext.spanId;
    }
    try {
      this.#write(`${JSON.stringify(record)}\n`);
      this.#sink?.enqueue(record);
    } catch {
      // A closed stdout or a failing sink must not reach the caller.
    }
  }
}
