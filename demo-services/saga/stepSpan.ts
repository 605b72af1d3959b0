/**
 * One span per saga step, a child of whatever span is active (the consumer's span of the order
 * message, so the steps sit in the order's trace), named `<saga> <step>` and carrying the
 * catalogue's `faultline.saga.*` attributes.
 */
import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { spanAttributes } from '@faultline/instrumentation';
import { ORDER_SAGA, type SagaStep } from './sagaState.ts';

const tracer = trace.getTracer('faultline-demo-saga');

/** Runs `work` inside the span of `step`; `outcome(result)` names how it ended. */
export async function inStepSpan<T>(
  step: SagaStep,
  orderId: string,
  work: () => Promise<T>,
  outcome: (result: T) => string,
): Promise<T> {
  const attributes: Attributes = {
    [spanAttributes.sagaName]: ORDER_SAGA,
    [spanAttributes.sagaId]: orderId,
    [spanAttributes.sagaStep]: step,
    [spanAttributes.sagaCompensation]: step === 'release_stock',
  };
  return tracer.startActiveSpan(`${ORDER_SAGA} ${step}`, { attributes }, async (span) => {
    try {
      const result = await work();
      span.setAttribute(spanAttributes.sagaOutcome, outcome(result));
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
