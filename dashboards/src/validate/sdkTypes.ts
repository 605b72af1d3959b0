/**
 * Checks rendered dashboard JSON against the Foundation SDK's own TypeScript types, with the
 * TypeScript compiler: each dashboard becomes a small TypeScript module assigning the JSON, as
 * object literals, to the SDK's `Dashboard`, and each panel to `Panel` with the `Options` and
 * `FieldConfig` of its panel plugin and targets typed as `prometheus.Dataquery`. Object
 * literals get TypeScript's excess-property checks, so a misspelt or misplaced option fails
 * too, not only a missing or mistyped one. The builders are typed already; this proves the
 * JSON that is written (after our own post-processing) still is what the SDK describes.
 */
import path from 'node:path';
import ts from 'typescript';

/** A dashboard to check: its file name (for messages) and its parsed JSON. */
export interface DashboardJsonFile {
  readonly file: string;
  readonly json: unknown;
}

/** The SDK module describing each panel type's `Options` and `FieldConfig`. */
const PANEL_TYPES: Readonly<Record<string, { options: string; fieldConfig: string }>> = {
  timeseries: { options: 'timeseries.Options', fieldConfig: 'timeseries.FieldConfig' },
  stat: { options: 'stat.Options', fieldConfig: 'Record<string, never>' },
  'state-timeline': { options: 'statetimeline.Options', fieldConfig: 'statetimeline.FieldConfig' },
};

// JSON<T>: what T looks like once serialised — methods gone (the SDK's queries carry a marker
// method), string enums as their literal values, `any` left as is.
const PRELUDE = `
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
type Fn = (...args: never[]) => unknown;
type Json<T> = 0 extends 1 & T
  ? T
  : T extends Fn
    ? never
    : T extends string
      ? \`\${T}\`
      : T extends number | boolean | null | undefined
        ? T
        : T extends readonly (infer U)[]
          ? Json<U>[]
          : { [K in keyof T as T[K] extends Fn ? never : K]: Json<T[K]> };
type Panel<Options, Field> = Omit<Json<dashboard.Panel>, 'targets' | 'options' | 'fieldConfig'> & {
  targets?: Json<prometheus.Dataquery>[];
  options?: Json<Options>;
  fieldConfig?: {
    defaults: Omit<Json<dashboard.FieldConfig>, 'custom'> & { custom?: Json<Field> };
    overrides: Json<dashboard.FieldConfigSource['overrides']>;
  };
};
type Row = Json<dashboard.RowPanel>;
`;

interface PanelJson {
  type?: unknown;
  id?: unknown;
  title?: unknown;
}

function moduleFor(file: DashboardJsonFile): {
  source: string;
  names: Map<string, string>;
  problems: string[];
} {
  const { panels = [], ...rest } = file.json as { panels?: PanelJson[] };
  const names = new Map<string, string>([['dashboardJson', 'the dashboard']]);
  const problems: string[] = [];
  const lines = [
    PRELUDE,
    `export const dashboardJson: Omit<Json<dashboard.Dashboard>, 'panels'> = ${JSON.stringify(rest)};`,
  ];
  panels.forEach((panel, index) => {
    const name = `panel${index}`;
    names.set(name, `panel "${String(panel.title)}" (${String(panel.type)})`);
    const kind = typeof panel.type === 'string' ? PANEL_TYPES[panel.type] : undefined;
    let type: string;
    if (panel.type === 'row') type = 'Row';
    else if (kind) type = `Panel<${kind.options}, ${kind.fieldConfig}>`;
    else {
      problems.push(
        `${file.file}: panel "${String(panel.title)}" has type ${String(panel.type)}, which this check does not know`,
      );
      return;
    }
    lines.push(`export const ${name}: ${type} = ${JSON.stringify(panel)};`);
  });
  return { source: lines.join('\n'), names, problems };
}

function declarationName(sourceFile: ts.SourceFile, position: number): string | undefined {
  const statement = sourceFile.statements.find((s) => s.pos <= position && position < s.end);
  if (!statement || !ts.isVariableStatement(statement)) return undefined;
  return statement.declarationList.declarations[0]?.name.getText(sourceFile);
}

/**
 * Type-checks every dashboard against the SDK's types and returns one message per problem
 * (empty when all conform). `baseDir` is a directory from which
 * `@grafana/grafana-foundation-sdk` resolves (the dashboards workspace).
 */
export function checkAgainstSdkTypes(files: readonly DashboardJsonFile[], baseDir: string): string[] {
  const checkDir = path.join(baseDir, '.sdk-type-check');
  const modules = new Map(
    files.map((file) => [path.join(checkDir, `${file.file}.ts`), { file, ...moduleFor(file) }]),
  );
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, language, onError, create) => {
    const virtual = modules.get(path.resolve(fileName));
    return virtual
      ? ts.createSourceFile(fileName, virtual.source, language, true)
      : getSourceFile.call(host, fileName, language, onError, create);
  };
  host.fileExists = (fileName) => modules.has(path.resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = (fileName) => modules.get(path.resolve(fileName))?.source ?? readFile.call(host, fileName);

  const program = ts.createProgram([...modules.keys()], options, host);
  const problems = [...modules.values()].flatMap((m) => m.problems);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
    const virtual = diagnostic.file ? modules.get(path.resolve(diagnostic.file.fileName)) : undefined;
    if (!virtual || !diagnostic.file || diagnostic.start === undefined) {
      problems.push(text);
      continue;
    }
    const name = declarationName(diagnostic.file, diagnostic.start);
    const where = (name && virtual.names.get(name)) ?? 'its JSON';
    problems.push(`${virtual.file.file}, ${where}: ${text}`);
  }
  return problems;
}
