/**
 * Turns the results into the printed table, results.json and the README's bench section
 * (between `<!-- bench:start -->` and `<!-- bench:end -->`; nothing else in README is touched).
 * Every figure comes from the run's results; nothing here is a measurement.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BASELINE_REV } from './baseline.ts';
import type { BackendsSummary } from './backendsDown.ts';
import type { DemoResult } from './demoThroughput.ts';
import { explainMisses } from './findings.ts';
import type { MachineInfo } from './machine.ts';
import type { OverheadSummary } from './overhead.ts';
import type { PreviousFigures } from './previous.ts';
import type { ProfileSummary } from './profiler.ts';
import { round } from './stats.ts';
import { CALIBRATION_BUSY_US, type VariantId } from './variants.ts';
import type { InstructionsResult } from './instructions.ts';
import type { ShapeTargets, TargetCheck } from './targets.ts';

/** A service shape as the report shows it. */
export interface ShapeReport extends ShapeTargets {
  /** `name version` of the shape's framework and clients. */
  readonly versions: string;
  /** Why it was not run (a local service down), or undefined. */
  readonly skipped: string | undefined;
}

/** Everything one `npm run bench` produced. */
export interface BenchReport {
  readonly takenAt: string;
  readonly tookS: number;
  readonly machine: MachineInfo;
  readonly machineAfter: MachineInfo;
  readonly settings: Record<string, unknown>;
  readonly shapes: readonly ShapeReport[];
  readonly overhead: readonly OverheadSummary[] | undefined;
  /** Instructions per request under callgrind on express (absent from runs before it existed). */
  readonly instructions?: readonly InstructionsResult[] | undefined;
  readonly backendsDown: BackendsSummary | undefined;
  readonly demo: DemoResult | undefined;
  readonly targets: readonly TargetCheck[];
  /** Self time by package of Faultline on the shapes where a target was missed. */
  readonly profiles: readonly ProfileSummary[];
  /** Faultline defaults on the express shape in the run before this one, when there was one. */
  readonly previous?: PreviousFigures | undefined;
  readonly raw: Record<string, unknown>;
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function fmt(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? '–' : String(round(value, digits));
}

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ').slice(0, 300);
}

function signed(value: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${fmt(value, 1)}` : '–';
}

/** One shape's overhead table as Markdown rows. */
function overheadTable(summaries: readonly OverheadSummary[]): string[] {
  const rows = [
    '| Variant (versions) | req/s | × bare | p50 ms | p99 ms | × bare | RSS MiB (idle) | × bare | app CPU µs/req | over bare | capacity × bare | app cores busy | spans/req | spans/req, 1 outgoing call |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of summaries) {
    const label = s.versions ? `${s.label} (${s.versions})` : s.label;
    if (s.rounds === 0) {
      rows.push(`| ${label} | not measured: ${cell(s.failures[0] ?? 'no run')} | | | | | | | | | | | | |`);
      continue;
    }
    rows.push(
      `| ${label} | ${fmt(s.throughput, 0)} | ${fmt(s.vsBare.throughput)} | ${fmt(s.p50Ms, 1)} | ${fmt(s.p99Ms, 1)} | ` +
        `${fmt(s.vsBare.p99)} | ${fmt(s.rssPeakMiB, 0)} (${fmt(s.idleRssMiB, 0)}) | ${fmt(s.vsBare.rss)} | ` +
        `${fmt(s.cpuUsPerRequest, 1)} | ${s.variant === 'bare' ? '' : signed(s.cpuOverheadUs)} | ${fmt(1 / s.vsBare.cpu)} | ` +
        `${fmt(s.appCpuCores)} | ${fmt(s.spansPerRequest)} | ${fmt(s.spansPerRequestWithOutgoingCall)} |`,
    );
  }
  return rows;
}

/** What the hand-written reference variants are, for those present in the table. */
function referenceNotes(overhead: readonly OverheadSummary[]): string {
  const has = (id: string): boolean => overhead.some((s) => s.variant === id);
  let notes = '';
  if (has('otel-http-express')) {
    notes +=
      '_OTel HTTP + express instrumentation only_ is the OpenTelemetry SDK set up by hand ' +
      '(`bench/app/otel-http-express.cjs`): a tracer provider with a batch span processor and the ' +
      'OTLP/HTTP protobuf trace exporter at their defaults, only the http and express ' +
      'instrumentations, no metrics or logs; the service’s outgoing call uses `fetch`, which neither ' +
      'covers, so that call gets no client span and the request it makes is counted as a trace of its own. ';
  }
  if (has('prom-client-only')) {
    notes +=
      '_prom-client only_ (`bench/app/prom-client-only.cjs`) is prom-client’s default metrics plus one ' +
      'request-duration histogram (method, route template, status code) observed per request and ' +
      'served on its own port; it exports no traces and ships no logs. ';
  }
  return notes;
}

const AGENTS_NOTE =
  'Every agent runs at its documented defaults with tracing on, loaded as its documentation says ' +
  '(`--require dd-trace/init`, `--import @elastic/opentelemetry-node`, `--require elastic-apm-node/start`, ' +
  '`--import` of an init file calling `Sentry.init` with `tracesSampleRate: 1`, ' +
  '`--require @opentelemetry/auto-instrumentations-node/register`), exporting to a local sink that ' +
  'speaks its protocol (OTLP/HTTP, the Datadog agent’s `/v0.4/traces`, APM Server’s intake, Sentry ' +
  'envelopes). The only settings changed keep them on loopback: instrumentation telemetry and remote ' +
  'configuration off for dd-trace, central configuration off and no cloud-metadata lookup for ' +
  'elastic-apm-node, no cloud resource detectors for EDOT and the OpenTelemetry auto-instrumentations. ';

function overheadSection(report: BenchReport, overhead: readonly OverheadSummary[]): string[] {
  const lines: string[] = [];
  for (const shape of report.shapes) {
    lines.push(`**${shape.label}** (${shape.versions})`, '');
    const rows = overhead.filter((s) => s.shape === shape.id);
    if (shape.skipped !== undefined || rows.length === 0)
      lines.push(`Not run: ${shape.skipped ?? 'not selected'}.`, '');
    else lines.push(...overheadTable(rows), '');
  }
  lines.push(
    '_over bare_ is the app CPU per request above bare’s in the same round. _capacity × bare_ is bare’s ' +
      'app CPU per request divided by the variant’s: the throughput ratio the app would reach if it alone ' +
      'limited throughput. _app cores busy_ below about 0.9 means the load generator or other work on the ' +
      'machine, not the app, set the pace of that run. Spans per request are counted from what the local ' +
      'sink received, grouped by trace. ' +
      AGENTS_NOTE +
      referenceNotes(overhead) +
      'Reproduce: `npm run bench`; profile: `node bench/profile.ts faultline 10 --shape express`.',
    '',
  );
  return lines;
}

function downSection(report: BenchReport, d: BackendsSummary): string {
  const queues = Object.entries(d.queues)
    .map(([signal, q]) => `${signal} ${fmt(q.size, 0)}/${fmt(q.capacity, 0)}`)
    .join(', ');
  return (
    `Backends down (OTLP and Elasticsearch on closed ports, express shape, measured after ` +
    `${fmt(Number(report.settings.downWarmupS), 0)} s of warm-up): ${fmt(d.throughputDown, 0)} req/s vs ` +
    `${fmt(d.throughputHealthy, 0)} healthy (${fmt(d.throughputRatio)}×); queues at the end ${queues}; ` +
    `RSS change over the last 40% of the window ${fmt(d.rssGrowthLateMiB, 1)} MiB ` +
    `(slope ${fmt(d.rssSlopeLateMiBPerMin, 1)} MiB/min), final RSS ${fmt(d.rssEndDownMinusHealthyMiB, 1)} MiB ` +
    `vs healthy; dropped: ${fmt(d.droppedQueueFull, 0)} queue_full, ` +
    `${fmt(d.droppedExportFailed, 0)} export_failed (traces and logs); ${fmt(d.exportFailures, 0)} failed exports. ` +
    'Healthy: OTLP to the local sink and logs shipped to a minimal local Elasticsearch stand-in.'
  );
}

function demoSection(demo: DemoResult): string {
  if (demo.status === 'skipped') return `Demo throughput: not run (${demo.reason}).`;
  const scenarios = demo.scenarios.map(
    (s) =>
      `${s.name}: ${fmt(s.acceptedPerSecond, 0)} orders/s accepted (p99 ${fmt(s.acceptP99Ms, 1)} ms), ` +
      `${fmt(s.paidPerSecond, 0)} paid/s (${s.pendingAtEnd} pending at the end)`,
  );
  return `Demo throughput: ${scenarios.join('; ')}.`;
}

/** The express row of `variant` in this run, when it was measured. */
function expressRow(report: BenchReport, variant: VariantId): OverheadSummary | undefined {
  return report.overhead?.find((s) => s.shape === 'express' && s.variant === variant && s.rounds > 0);
}

/** Faultline defaults' CPU per request on the express shape, beside the previous run's. */
function previousLine(report: BenchReport): string | undefined {
  const previous = report.previous;
  const row = (variant: VariantId) => expressRow(report, variant);
  const [faultline, bare] = [row('faultline'), row('bare')];
  if (previous === undefined || faultline === undefined || bare === undefined) return undefined;
  return (
    `**Beside the previous run** (${previous.takenAt}, express + winston): Faultline defaults ` +
    `${fmt(faultline.cpuUsPerRequest, 1)} µs of app CPU per request (bare ${fmt(bare.cpuUsPerRequest, 1)}, ` +
    `${fmt(faultline.vsBare.throughput)}× bare throughput) against ${fmt(previous.cpuUsPerRequest, 1)} µs then ` +
    `(bare ${fmt(previous.bareCpuUsPerRequest, 1)}, ${fmt(previous.throughputVsBare)}× bare). Absolute figures ` +
    'move with the machine; the over-bare difference and the ratio are what to compare.'
  );
}

/** The yardstick rows in words: what fixed work costs here, and the baseline build beside today's. */
function yardstickLines(report: BenchReport): string[] {
  const row = (variant: VariantId) => expressRow(report, variant);
  const [faultline, calibration, baseline] = [
    row('faultline'),
    row('calibration'),
    row('faultline-baseline'),
  ];
  const lines: string[] = [];
  if (calibration !== undefined) {
    const factor = calibration.cpuOverheadUs / CALIBRATION_BUSY_US;
    lines.push(
      `**Calibration** (express): ${CALIBRATION_BUSY_US} µs of pure CPU work per request (a spin on the ` +
        `clock, nothing allocated or written; \`bench/app/busy-loop.cjs\`) measured ${signed(calibration.cpuOverheadUs)} µs ` +
        `of app CPU per request in this run: on this machine a µs of work added to a request reads as about ` +
        `${fmt(factor)} µs in the tables.` +
        (faultline
          ? ` Faultline defaults' ${signed(faultline.cpuOverheadUs)} µs is then about ` +
            `${fmt(faultline.cpuOverheadUs / factor, 1)} µs of its own work per request.`
          : ''),
    );
  }
  if (baseline !== undefined && faultline !== undefined) {
    lines.push(
      `**Baseline build** (express): Faultline at ${BASELINE_REV.slice(0, 7)}, the build the issues' figures ` +
        `were taken with (30.4 µs per request, 0.70× bare, on a host that ran bare in 22.5 µs), measured ` +
        `${fmt(baseline.cpuUsPerRequest, 1)} µs per request and ${fmt(baseline.vsBare.throughput)}× bare ` +
        `throughput in this run; today's defaults ${fmt(faultline.cpuUsPerRequest, 1)} µs and ` +
        `${fmt(faultline.vsBare.throughput)}×.`,
    );
  }
  return lines;
}

const COUNTED_LABELS: Readonly<Record<string, string>> = {
  bare: 'bare',
  faultline: 'Faultline defaults',
  'faultline-traces-off': 'Faultline, traces off',
  'faultline-baseline': `Faultline defaults at ${BASELINE_REV.slice(0, 7)}`,
};

/** The callgrind counts as one line: each variant's instructions per request and its ratio to bare. */
function instructionsLine(report: BenchReport, results: readonly InstructionsResult[]): string {
  const bare = results.find((r) => r.variant === 'bare');
  const bareCount = bare?.status === 'counted' ? bare.perRequest : undefined;
  const label = (id: string): string => COUNTED_LABELS[id] ?? id;
  const parts = results.map((r) =>
    r.status === 'failed'
      ? `${label(r.variant)}: not counted (${r.reason})`
      : `${label(r.variant)} ${fmt(r.perRequest / 1000, 1)}k` +
        (bareCount && r.variant !== 'bare' ? ` (${fmt(r.perRequest / bareCount)}× bare)` : ''),
  );
  return (
    `**Instructions per request** (express, user space, every thread, counted by valgrind's callgrind over ` +
    `${String(report.settings.callgrindRequests)} requests after as many of warm-up, 10 connections): ` +
    `${parts.join('; ')}. These counts move far less than CPU time with the machine's other work (repeat ` +
    'counts of one build differ by about 2%) and not at all with what the hypervisor charges for waking the ' +
    "load generator, so they say whether Faultline's work per request grew or shrank; the tables above say " +
    'what that work costs on this host.'
  );
}

/** The whole report as Markdown (README section and terminal). */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const s = report.settings;
  const lines: string[] = [
    `Taken ${report.takenAt} on ${m.cpus}× ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ` +
      `load average ${m.loadAverage.join(' / ')} before, ${report.machineAfter.loadAverage.join(' / ')} after; ` +
      `the run took ${fmt(report.tookS / 60, 1)} min. ${String(s.pinning)}; ${String(s.connections)} connections, ` +
      `${String(s.durationS)} s measured after ${String(s.warmupS)} s warm-up, ` +
      `${String(s.rounds)} interleaved rounds (medians; ratios and differences paired within a round).`,
    '',
  ];
  if (report.overhead) lines.push(...overheadSection(report, report.overhead));
  const beside = previousLine(report);
  if (beside) lines.push(beside, '');
  for (const line of yardstickLines(report)) lines.push(line, '');
  if (report.instructions?.length) lines.push(instructionsLine(report, report.instructions), '');
  if (report.backendsDown) lines.push(downSection(report, report.backendsDown), '');
  if (report.demo) lines.push(demoSection(report.demo), '');
  if (report.targets.length) {
    lines.push('| Target | This run | Met |', '| --- | ---: | :---: |');
    for (const t of report.targets)
      lines.push(`| ${t.target} | ${cell(t.actual)} | ${t.met ? 'yes' : '**no**'} |`);
    const notes = explainMisses(report.targets, report.overhead ?? [], report.shapes, report.profiles);
    if (notes.length) lines.push('', ...notes.flatMap((note) => [note, '']));
  }
  return lines.join('\n');
}

/** Writes results.json. */
export function writeResults(file: string, report: BenchReport): void {
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** Replaces the README's bench section (adding the markers at the end of "Why it is light" if absent). */
export function updateReadme(readmeFile: string, markdown: string): void {
  const text = readFileSync(readmeFile, 'utf8');
  const section = `${START}\n${markdown}\n${END}`;
  let next: string;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start !== -1 && end > start) {
    next = text.slice(0, start) + section + text.slice(end + END.length);
  } else {
    const heading = text.indexOf('### Why it is light');
    const after = heading === -1 ? -1 : text.indexOf('\n## ', heading);
    if (after === -1)
      throw new Error(`${readmeFile}: no "### Why it is light" section followed by a "## " heading`);
    next = `${text.slice(0, after).trimEnd()}\n\n${section}\n${text.slice(after)}`;
  }
  writeFileSync(readmeFile, next);
}
