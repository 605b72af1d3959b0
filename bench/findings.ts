/**
 * Why a missed target is missed, for the README: each reason quotes this run's figures (and,
 * where the bench profiled Faultline on that shape, this run's self time by package), and says
 * how to reproduce the profile.
 */
import type { OverheadSummary } from './overhead.ts';
import type { ProfileSummary } from './profiler.ts';
import type { ShapeReport } from './report.ts';
import { round } from './stats.ts';
import { LIMITS, lightestPeer, type TargetCheck, type TargetId } from './targets.ts';

const RSS_NOTE =
  'V8 grows its young generation (semi-spaces doubling) once the bytes surviving scavenges add up, so ' +
  'the figure depends on the window as much as on the service. With traces on, Node keeps each ' +
  'keep-alive connection’s last request context alive (the connection’s idle timer captures the async ' +
  'context frame, and with it the server span), which raises what survives a scavenge (see ' +
  '`--trace-gc-nvp`), so V8 takes that step within the window; the traces-off row shows the figure ' +
  'without it. Idle, the difference is the modules Faultline loads (prom-client, the OpenTelemetry API, ' +
  'core and instrumentation base, and contrib instrumentations once the app loads their library).';

function us(value: number): string {
  return `${round(value, 1)} µs`;
}

function percent(share: number): string {
  return `${round(100 * share, 1)}%`;
}

/** The profile sentence of a shape: this run's self time by package, or how to take it. */
function profileNote(shape: ShapeReport, profiles: readonly ProfileSummary[]): string {
  const command = `\`node bench/profile.ts faultline 10 --shape ${shape.id}\``;
  const profile = profiles.find((p) => p.shape === shape.id && p.variant === 'faultline');
  if (profile === undefined) return `Where the time goes: ${command}.`;
  const packages = profile.byPackage
    .slice(0, 8)
    .map((p) => `${p.name} ${percent(p.share)}`)
    .join(', ');
  return (
    `Self time by package in this run’s profile of Faultline on this shape ` +
    `(${round(profile.cpuUsPerRequest, 1)} µs per request under the profiler): ${packages}. Reproduce: ${command}.`
  );
}

interface ShapeFigures {
  readonly shape: ShapeReport;
  readonly bare: OverheadSummary;
  readonly faultline: OverheadSummary;
  readonly tracesOff: OverheadSummary | undefined;
  readonly onShape: readonly OverheadSummary[];
}

function cpuNote(f: ShapeFigures, profile: string): string {
  const peer = lightestPeer(f.onShape);
  const tracing = f.tracesOff
    ? ` (${us(f.tracesOff.cpuOverheadUs)} with traces off, so tracing is ${us(f.faultline.cpuOverheadUs - f.tracesOff.cpuOverheadUs)} of it)`
    : '';
  const against = peer
    ? `; the lightest peer, ${peer.label}, adds ${us(peer.cpuOverheadUs)}, so the target allows ${us(LIMITS.cpuShareOfLightestPeer * peer.cpuOverheadUs)}`
    : '';
  return (
    `**${f.shape.label}, CPU against the peers:** Faultline adds ${us(f.faultline.cpuOverheadUs)} of app CPU per ` +
    `request over bare’s ${us(f.bare.cpuUsPerRequest)}${tracing}${against}. ${profile}`
  );
}

function throughputNote(f: ShapeFigures, profile: string): string {
  return (
    `**${f.shape.label}, throughput and latency:** the app spends ${us(f.faultline.cpuUsPerRequest)} of CPU per ` +
    `request against ${us(f.bare.cpuUsPerRequest)} bare (capacity ${round(1 / f.faultline.vsBare.cpu, 2)}× bare` +
    `${f.tracesOff ? `; ${us(f.tracesOff.cpuUsPerRequest)} with traces off` : ''}). ${profile}`
  );
}

function rssNote(f: ShapeFigures): string {
  return (
    `**${f.shape.label}, RSS:** ${round(f.faultline.rssPeakMiB, 0)} MiB under load against ` +
    `${round(f.bare.rssPeakMiB, 0)} MiB bare (idle ${round(f.faultline.idleRssMiB, 0)} vs ` +
    `${round(f.bare.idleRssMiB, 0)} MiB${f.tracesOff ? `; traces off ${round(f.tracesOff.rssPeakMiB, 0)} MiB under load` : ''}). ${RSS_NOTE}`
  );
}

function spansNote(f: ShapeFigures): string {
  const names = Object.entries(f.faultline.spanNames ?? {})
    .map(([name, n]) => `${name} × ${round(n, 2)}`)
    .join(', ');
  return `**${f.shape.label}, spans:** span names per request of the loaded route: ${names || 'none received'}.`;
}

function shapeNotes(
  f: ShapeFigures,
  missed: ReadonlySet<TargetId>,
  profiles: readonly ProfileSummary[],
): string[] {
  const notes: string[] = [];
  const profile = profileNote(f.shape, profiles);
  if (missed.has('cpu-vs-peers')) notes.push(cpuNote(f, profile));
  if (missed.has('throughput') || missed.has('p99') || missed.has('defaults-throughput'))
    notes.push(
      throughputNote(f, missed.has('cpu-vs-peers') ? 'Where the time goes: the profile above.' : profile),
    );
  if (missed.has('rss')) notes.push(rssNote(f));
  if (missed.has('spans') || missed.has('spans-outgoing')) notes.push(spansNote(f));
  if (missed.has('traces-off') && f.tracesOff) {
    notes.push(
      `**${f.shape.label}, traces off:** ${us(f.tracesOff.cpuUsPerRequest)} of CPU per request against ` +
        `${us(f.bare.cpuUsPerRequest)} bare (the request histogram, the diagnostics-channel subscriber, and the ` +
        'redaction and correlation of every log record); a throughput ratio further from the CPU ratio than ' +
        'that is noise from other work on the machine.',
    );
  }
  return notes;
}

/** One paragraph per shape and kind of miss, quoting the figures of this run. */
export function explainMisses(
  targets: readonly TargetCheck[],
  overhead: readonly OverheadSummary[],
  shapes: readonly ShapeReport[],
  profiles: readonly ProfileSummary[],
): string[] {
  const notes: string[] = [];
  for (const shape of shapes) {
    const missed = new Set(targets.filter((t) => !t.met && t.shape === shape.id).map((t) => t.id));
    const onShape = overhead.filter((s) => s.shape === shape.id);
    const by = (id: string): OverheadSummary | undefined =>
      onShape.find((s) => s.variant === id && s.rounds > 0);
    const bare = by('bare');
    const faultline = by('faultline');
    if (missed.size === 0 || !bare || !faultline) continue;
    notes.push(
      ...shapeNotes(
        { shape, bare, faultline, tracesOff: by('faultline-traces-off'), onShape },
        missed,
        profiles,
      ),
    );
  }
  if (targets.some((t) => !t.met && t.id === 'down-rss')) {
    notes.push(
      '**Backends down, RSS:** see the RSS series in results.json; the trace queue stays at its capacity, so ' +
        'growth there is the V8 heap, not a buffer.',
    );
  }
  return notes;
}
