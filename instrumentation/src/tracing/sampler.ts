/**
 * Head sampling, as `OTEL_TRACES_SAMPLER` names it. A sampler only decides whether a new span is
 * recorded and exported; the ratio samplers decide from the trace id exactly as the
 * OpenTelemetry SDK's `TraceIdRatioBasedSampler` does (the XOR of its four 32-bit words against
 * `floor(ratio * 0xffffffff)`), so a Faultline service and an SDK service keep or drop the same
 * traces.
 */
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { SamplerConfig } from '../config/types.ts';

/** Decides whether a span in trace `traceId`, under `parent`, is sampled. */
export type Sampler = (parent: SpanContext | undefined, traceId: string) => boolean;

/** The SDK's hash of a trace id: its four 32-bit words XORed (hex digits of either case). */
export function traceIdWordsXor(traceId: string): number {
  let accumulation = 0;
  for (let i = 0; i < 32; i += 8) {
    const word = Number.parseInt(traceId.slice(i, i + 8), 16);
    accumulation = (accumulation ^ word) >>> 0;
  }
  return accumulation;
}

function ratioSampler(ratio: number): Sampler {
  if (ratio >= 1) return () => true;
  if (ratio <= 0) return () => false;
  const upperBound = Math.floor(ratio * 0xffffffff);
  return (_parent, traceId) => traceIdWordsXor(traceId) < upperBound;
}

function parentBased(root: Sampler): Sampler {
  return (parent, traceId) =>
    parent === undefined ? root(undefined, traceId) : (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
}

/** The sampler for `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`. */
export function createSampler(config: SamplerConfig): Sampler {
  switch (config.kind) {
    case 'always_on':
      return () => true;
    case 'always_off':
      return () => false;
    case 'traceidratio':
      return ratioSampler(config.ratio);
    case 'parentbased_always_on':
      return parentBased(() => true);
    case 'parentbased_always_off':
      return parentBased(() => false);
    case 'parentbased_traceidratio':
      return parentBased(ratioSampler(config.ratio));
  }
}
