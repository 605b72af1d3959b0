/**
 * What a user may pass to the Kafka instrumentation.
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link createKafkaInstrumentation}. */
export interface KafkaInstrumentationConfig extends InstrumentationConfig {
  /**
   * Whether to apply OpenTelemetry's kafkajs instrumentation for spans and trace context in
   * record headers (default true). Off, only Faultline's metrics are recorded.
   */
  readonly traces?: boolean;
}
