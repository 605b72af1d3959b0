/**
 * What a user may pass to the RabbitMQ instrumentation.
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link createMessagingInstrumentation}. */
export interface MessagingInstrumentationConfig extends InstrumentationConfig {
  /**
   * Queues that dead-letter rejected messages although this process never declares them with
   * `x-dead-letter-exchange` (a broker policy sets it, or another service declares the queue).
   * Queues the app declares with `assertQueue` are recognised without this.
   */
  readonly deadLetterQueues?: readonly string[];
}
