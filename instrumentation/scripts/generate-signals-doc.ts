/**
 * Generates `docs/signals.md`, the reference of every signal Faultline emits, from the signal
 * catalogue (`src/catalogue/index.ts`): one table of metrics per group (name, type, labels with
 * their allowed values, buckets, help), then log fields and span attributes. The document is
 * committed; `test/signalsDoc.test.ts` fails when it drifts from the catalogue.
 *
 * Run with `npm run signals:doc`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ECS_VERSION,
  SERVICE_LABEL,
  logActions,
  logFields,
  metrics,
  resourceAttributes,
  spanAttributes,
  spanEvents,
  type MetricDefinition,
  type SignalGroup,
} from '../src/catalogue/index.ts';

/** Where the generated document lives, from the repository root. */
export const SIGNALS_DOC_PATH = join('docs', 'signals.md');

const GROUPS: readonly { readonly group: SignalGroup; readonly title: string; readonly about: string }[] = [
  { group: 'http', title: 'HTTP', about: 'Server and client requests (RED metrics).' },
  {
    group: 'circuit_breaker',
    title: 'Circuit breakers',
    about:
      '`instrumentBreaker(breaker, { name })` for opossum and cockatiel breakers. Each state change also adds a `circuit_breaker.state_change` span event to the active span and writes one ECS log line.',
  },
  {
    group: 'retry',
    title: 'Retries',
    about:
      '`instrumentRetry(policy, { operation })` for cockatiel retry policies: one outcome per attempt, and the delays actually waited (from the retry decision to the start of the next attempt).',
  },
  {
    group: 'messaging',
    title: 'Messaging (RabbitMQ)',
    about:
      'The amqplib instrumentation (trace context in message headers, counters, lag, processing time) and `monitorQueues` (depth and consumers sampled from the broker; `unacked` only when an HTTP source is configured).',
  },
  {
    group: 'cache',
    title: 'Cache',
    about: 'Cache look-ups, and the failovers a cache client followed to a new master (Redis Sentinel).',
  },
  {
    group: 'database',
    title: 'Database',
    about:
      'Backups of the orders database, as the backup scheduler (`npm run backup -- --every <seconds>`) reports them from the object store; replication and promotions, as the failover supervisor (`demo-services/failover`) samples them from the primary.',
  },
  {
    group: 'saga',
    title: 'Sagas',
    about:
      'Orchestrated sagas with compensation, as the demo’s order saga (`demo-services/saga`) reports them; each step is also a span carrying the `faultline.saga.*` attributes.',
  },
  { group: 'telemetry', title: 'Telemetry pipeline', about: "Faultline's own export health." },
];

function code(text: string | number): string {
  return `\`${text}\``;
}

function labelCell(def: MetricDefinition): string {
  const values = def.labelValues as Partial<Record<string, readonly string[]>> | undefined;
  const labels = def.labelNames.map((name) => {
    const allowed = values?.[name];
    return allowed ? `${code(name)} (${allowed.map(code).join(', ')})` : code(name);
  });
  return [...labels, code(SERVICE_LABEL)].join(', ');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function metricTable(defs: readonly MetricDefinition[]): string[] {
  const rows = defs.map((def) =>
    [
      code(def.name),
      def.type,
      labelCell(def),
      def.buckets ? def.buckets.join(', ') : '',
      escapeCell(def.help),
    ].join(' | '),
  );
  return [
    '| Name | Type | Labels (allowed values) | Buckets | Help |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ];
}

function nameTable(heading: string, entries: Readonly<Record<string, string>>): string[] {
  return [
    `| ${heading} | Catalogue key |`,
    '| --- | --- |',
    ...Object.entries(entries).map(([key, name]) => `| ${code(name)} | ${code(key)} |`),
  ];
}

/** The whole document, as the catalogue describes it now. */
export function renderSignalsDoc(): string {
  const all: readonly MetricDefinition[] = Object.values(metrics);
  const undocumented = all.filter((def) => !GROUPS.some(({ group }) => group === def.group));
  if (undocumented.length > 0) {
    throw new Error(
      `generate-signals-doc: add a section for the group of ${undocumented.map((d) => d.name).join(', ')}`,
    );
  }
  const lines = [
    '# Faultline signals',
    '',
    '<!-- Generated from instrumentation/src/catalogue by `npm run signals:doc`; do not edit by hand. -->',
    '',
    'Every metric, log field and span attribute Faultline emits. Names are a contract: alert rules,',
    'dashboards, services and tests use them from the catalogue. Every series also carries the',
    `${code(SERVICE_LABEL)} label (the service name).`,
    '',
    '## Metrics',
  ];
  for (const { group, title, about } of GROUPS) {
    const defs = all.filter((def) => def.group === group);
    if (defs.length === 0) continue;
    lines.push('', `### ${title}`, '', about, '', ...metricTable(defs));
  }
  lines.push(
    '',
    '## Log fields',
    '',
    `Faultline's log lines are ECS ${ECS_VERSION} JSON; its own fields live under \`faultline.*\`.`,
    '',
    ...nameTable('Field', logFields),
    '',
    '### `event.action` values',
    '',
    ...nameTable('Action', logActions),
    '',
    '## Span attributes',
    '',
    ...nameTable('Attribute', spanAttributes),
    '',
    '### Span events',
    '',
    ...nameTable('Event', spanEvents),
    '',
    '### Resource attributes',
    '',
    ...nameTable('Attribute', resourceAttributes),
    '',
  );
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('generate-signals-doc.ts')) {
  const path = join(process.cwd(), SIGNALS_DOC_PATH);
  writeFileSync(path, renderSignalsDoc());
  process.stdout.write(`wrote ${path}\n`);
}
