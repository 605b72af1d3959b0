/**
 * Why a missed target is missed, for the README: each reason quotes this run's figures, and
 * the measurements it rests on.
 */
import type { OverheadSummary } from './overhead.ts';
import type { TargetCheck } from './report.ts';
import { round } from './stats.ts';

/**
 * Where the defaults' extra CPU goes, measured on 2026-11-25 by switching parts off in the same
 * interleaved load (scratch builds of the instrumentation; see the bench section of the README).
 */
const CPU_NOTE =
  'Switching parts off one at a time under the same load puts it in the span itself: entering a ' +
  'fresh context per request costs at most 1 µs, the span’s life (ids, start, attributes, end) ' +
  '≈ 3.5 µs, and redacting and encoding it to OTLP protobuf plus the batched export ≈ 3 µs in the ' +
  'running service (about 0.5 µs in a tight loop; the rest is cache and garbage-collection pressure ' +
  'from interleaving with the app); log correlation and the exemplar cost no measurable time. The ' +
  'OpenTelemetry SDK pipeline this replaced cost about twice as much (0.54× bare before). On this ' +
  '2-vCPU virtual machine a variant’s CPU per request moves by about ±5% from run to run.';

const RSS_NOTE =
  'The difference under load is V8’s young generation. V8 grows new space (semi-spaces 16 → 32 → ' +
  '64 MiB) once the bytes surviving scavenges add up, so the figure depends on the window as much as ' +
  'on the service: in a 25 s run bare grows too (semi-space 16 → 32 MiB). With traces on, Node keeps ' +
  'each keep-alive connection’s last request context alive (the connection’s idle timer captures the ' +
  'async context frame, and with it the server span), which doubles what survives a scavenge ' +
  '(≈ 125 KB against ≈ 60 KB with traces off, from `--trace-gc-nvp`), so V8 takes that step ' +
  'within the window; without entering the context it does not, and RSS stays at the traces-off ' +
  'figure (entering a fresh empty context per request is enough to grow it). Spans release their ' +
  'attributes once encoded, so what stays is a few hundred bytes per connection. Idle, the difference is the modules Faultline loads (prom-client, the OpenTelemetry ' +
  'API, core and instrumentation base; contrib instrumentations such as pg’s and ioredis’s only once ' +
  'the app loads their library).';

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
        CPU_NOTE,
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
        '(the request histogram, the diagnostics-channel subscriber, and the redaction and correlation of ' +
        'every winston record, together about what prom-client alone costs); a throughput ratio ' +
        'further from the CPU ratio than that is noise from other work on the machine.',
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
