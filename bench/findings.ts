/**
 * Why a missed target is missed, for the README: each reason quotes this run's figures, and
 * the profile findings it rests on (taken with `node bench/profile.ts`, see the bench section).
 */
import type { OverheadSummary } from './overhead.ts';
import type { TargetCheck } from './report.ts';
import { round } from './stats.ts';

/** What the CPU profile of the Faultline defaults variant showed (bench/profile.ts, 2026-11-25). */
const PROFILE_NOTE =
  'A CPU profile of the defaults under the same load (`node bench/profile.ts faultline`, with the ' +
  'winston integration in) puts the difference in span export on the app’s own thread (OTLP ' +
  'protobuf serialisation ≈ 7% of busy CPU, span redaction ≈ 1.3%), the exemplar histogram ' +
  '(`observeWithExemplar` ≈ 3%), the server span itself (start with propagation extract and ' +
  '`enterWith` ≈ 2.4%, `span.end` ≈ 0.7%), the deep redaction copy of every winston record ' +
  '(≈ 2%) and its correlation (≈ 0.5%), and more garbage collection; an unsampled span ' +
  '(`OTEL_TRACES_SAMPLER=always_off`) already costs about 4 µs per request.';

const RSS_NOTE =
  'Most of the RSS difference under load is V8’s young generation: with traces on, new space ' +
  'grows to 128 MiB (32 MiB with traces off), because every span survives scavenges while it ' +
  'waits in the batch queue; at idle the difference is the modules loaded (zod, the OTel SDK, ' +
  'otlp-transformer with sdk-metrics, the pg and ioredis instrumentations even when unused).';

function us(value: number): string {
  return `${round(value, 1)} µs`;
}

/** One sentence per missed target, quoting the figures of this run. */
export function explainMisses(
  targets: readonly TargetCheck[],
  overhead: readonly OverheadSummary[] | undefined,
): string[] {
  const by = (id: string): OverheadSummary | undefined => overhead?.find((s) => s.variant === id);
  const bare = by('bare');
  const faultline = by('faultline');
  const tracesOff = by('faultline-traces-off');
  const missed = (prefix: string): boolean => targets.some((t) => !t.met && t.target.startsWith(prefix));
  const notes: string[] = [];
  if (bare && faultline && (missed('defaults: throughput') || missed('defaults: p99'))) {
    notes.push(
      `**Defaults throughput/latency:** the app spends ${us(faultline.cpuUsPerRequest)} of CPU per request ` +
        `against ${us(bare.cpuUsPerRequest)} bare` +
        (tracesOff
          ? ` and ${us(tracesOff.cpuUsPerRequest)} with traces off, so tracing is the cost. `
          : '. ') +
        PROFILE_NOTE,
    );
  }
  if (bare && faultline && missed('defaults: RSS')) {
    notes.push(
      `**Defaults RSS:** ${round(faultline.rssPeakMiB, 0)} MiB under load against ${round(bare.rssPeakMiB, 0)} MiB ` +
        `bare (idle ${round(faultline.idleRssMiB, 0)} vs ${round(bare.idleRssMiB, 0)} MiB). ${RSS_NOTE}`,
    );
  }
  if (bare && tracesOff && missed('traces off')) {
    notes.push(
      `**Traces off:** ${us(tracesOff.cpuUsPerRequest)} of CPU per request against ${us(bare.cpuUsPerRequest)} bare ` +
        '(the request histogram, the diagnostics-channel subscriber, and the redaction copy and correlation of ' +
        'every winston record); a throughput ratio further from the CPU ' +
        'ratio than that is noise from other work on the machine.',
    );
  }
  if (missed('backends down: no RSS')) {
    notes.push(
      '**Backends down, RSS:** see the RSS series in results.json; the trace queue stays at its capacity, so ' +
        'growth there is the V8 heap, not a buffer.',
    );
  }
  return notes;
}
