/**
 * Head sampling, as `OTEL_TRACES_SAMPLER` names it. A sampler only decides whether a new span is
 * recorded and exported; the ratio samplers decide from the trace id's low 56 bits (the random
 * part W3C trace context level 2 guarantees), so every service keeps or drops the same traces.
 */
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { SamplerConfig } from '../config/types.ts';

/** Decides whether a span in trace `traceId`, under `parent`, is sampled. */
export type Sampler = (parent: SpanContext | undefined, traceId: string) => boolean;

const TWO_56 = 2 ** 56;

function ratioSampler(ratio: number): Sampler {
  if (ratio >= 1) return () => true;
  if (ratio <= 0) return () => false;
  return (_parent, traceId) => Number.parseInt(traceId.slice(-14), 16) / TWO_56 < ratio;
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
