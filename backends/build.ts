/**
 * Builds (once) every backend Faultline runs for real, into the cache (`cache.ts`):
 * the Collector with the official builder from collector/builder-config.yaml; Jaeger, Prometheus
 * with promtool, Alertmanager with amtool from their modules on the Go module proxy, each built
 * inside its own module so its go.mod (replace directives included) decides the dependencies;
 * Elasticsearch's integration-test distribution, Kafka's jars and opentelemetry-proto's `.proto`
 * files from Maven Central; moto's S3-compatible server pip-installed from PyPI into a virtual
 * environment. A finished build is marked, so a second run does nothing; a failed one leaves no
 * marker and is retried next time.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from './config.ts';
import { backendDir, builtMarker, cacheRoot } from './cache.ts';
import { requireGo, requireMaven, requirePython } from './toolchain.ts';
import {
  BACKENDS,
  type BackendName,
  type CollectorBuild,
  type GoProgram,
  type MavenDistribution,
  type MavenJars,
  type MavenProtos,
  type PythonPackage,
} from './versions.ts';

const run = promisify(execFile);

/** Where build progress goes (default stdout). */
export type Print = (line: string) => void;

async function exec(command: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      env: childEnv(env),
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${(stderr || message).trim().slice(-4000)}`, {
      cause: error,
    });
  }
}

/** Whether `name` is built at its pinned version. */
export function isBuilt(name: BackendName): boolean {
  return existsSync(builtMarker(name));
}

async function buildGoProgram(name: string, program: GoProgram, out: string): Promise<void> {
  requireGo(name);
  const info = JSON.parse(
    await exec('go', ['mod', 'download', '-json', `${program.module}@${program.moduleVersion}`]),
  ) as { Dir: string };
  const dir = program.generated ? await moduleCopy(info.Dir, program.generated) : info.Dir;
  try {
    for (const [binary, pkg] of Object.entries(program.commands)) {
      const args = ['build', '-trimpath', '-o', path.join(out, binary)];
      if (program.ldflags) args.push('-ldflags', program.ldflags);
      // GOFLAGS=-mod=mod would let the build rewrite the module's requirements; readonly keeps them.
      await exec('go', [...args, pkg], dir, { GOFLAGS: '-mod=readonly -buildvcs=false' });
    }
  } finally {
    if (dir !== info.Dir) await rm(dir, { recursive: true, force: true });
  }
}

/** A writable copy of the module folder `source` with `files` written into it. */
async function moduleCopy(source: string, files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(path.join(cacheRoot(), 'module-'));
  await cp(source, dir, { recursive: true });
  await chmodTree(dir);
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(dir, file), content);
  return dir;
}

/** Makes a copied module-cache tree writable (the cache's files are read-only). */
async function chmodTree(dir: string): Promise<void> {
  await exec('chmod', ['-R', 'u+w', dir]);
}

async function buildCollector(build: CollectorBuild, out: string): Promise<void> {
  requireGo('the OpenTelemetry Collector');
  const tools = path.join(cacheRoot(), 'tools', `builder-${build.version}`);
  const builder = path.join(tools, 'builder');
  if (!existsSync(builder))
    await exec('go', ['install', `go.opentelemetry.io/collector/cmd/builder@v${build.version}`], undefined, {
      GOBIN: tools,
    });
  await exec(builder, ['--config', build.manifest, '--output-path', out]);
}

/**
 * Downloads one Maven Central artifact into a scratch folder and hands `use` its path (and the
 * folder, for unpacking); the folder is removed afterwards whatever happens.
 */
async function withMavenArtifact(
  artifact: string,
  extension: 'zip' | 'jar',
  use: (file: string, scratch: string) => Promise<void>,
): Promise<void> {
  const download = await mkdtemp(path.join(cacheRoot(), 'download-'));
  try {
    await exec('mvn', [
      '-q',
      '-B',
      'dependency:copy',
      `-Dartifact=${artifact}`,
      `-DoutputDirectory=${download}`,
    ]);
    const [file] = (await readdir(download)).filter((name) => name.endsWith(`.${extension}`));
    if (!file) throw new Error(`Maven Central served no ${extension} for ${artifact}`);
    await use(path.join(download, file), download);
  } finally {
    await rm(download, { recursive: true, force: true });
  }
}

async function fetchElasticsearch(dist: MavenDistribution, out: string): Promise<void> {
  requireMaven('Elasticsearch');
  await withMavenArtifact(dist.artifact, 'zip', async (zip, scratch) => {
    await exec('unzip', ['-q', zip, '-d', scratch]);
    await rename(path.join(scratch, `elasticsearch-${dist.version}`), path.join(out, 'elasticsearch'));
  });
}

function pomOf(jars: MavenJars): string {
  const dependencies = jars.artifacts.map((coordinates) => {
    const [groupId, artifactId, version] = coordinates.split(':');
    return `<dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  });
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '<modelVersion>4.0.0</modelVersion>',
    '<groupId>faultline</groupId><artifactId>backend-jars</artifactId><version>1</version>',
    `<dependencies>${dependencies.join('')}</dependencies>`,
    '</project>',
  ].join('\n');
}

/** Copies the artifacts' runtime classpath into `out/libs` (a throwaway pom names them). */
async function fetchJars(name: string, jars: MavenJars, out: string): Promise<void> {
  requireMaven(name);
  const project = await mkdtemp(path.join(cacheRoot(), 'download-'));
  try {
    await writeFile(path.join(project, 'pom.xml'), pomOf(jars));
    await exec(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(out, 'libs')}`,
      ],
      project,
    );
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}

async function fetchProtos(spec: MavenProtos, out: string): Promise<void> {
  requireMaven('the OTLP .proto files');
  await withMavenArtifact(spec.artifact, 'jar', (jar) =>
    exec('unzip', ['-q', jar, 'opentelemetry/*', '-d', path.join(out, 'protos')]).then(() => undefined),
  );
}

async function installPythonPackage(name: string, pkg: PythonPackage, out: string): Promise<void> {
  requirePython(name);
  const venv = path.join(out, 'venv');
  await exec('python3', ['-m', 'venv', venv]);
  await exec(path.join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    pkg.requirement,
  ]);
}

async function buildInto(name: BackendName, out: string): Promise<void> {
  const spec = BACKENDS[name];
  switch (spec.kind) {
    case 'collector':
      return buildCollector(spec, out);
    case 'go':
      return buildGoProgram(name, spec, out);
    case 'maven':
      return fetchElasticsearch(spec, out);
    case 'maven-jars':
      return fetchJars(name, spec, out);
    case 'protos':
      return fetchProtos(spec, out);
    case 'pypi':
      return installPythonPackage(name, spec, out);
  }
}

/**
 * Builds `name` unless it is built already. Builds into a scratch directory renamed into place
 * when complete, so a concurrent or interrupted build never leaves a half-built backend in use.
 */
export async function ensureBuilt(name: BackendName, print: Print = console.log): Promise<string> {
  const dir = backendDir(name);
  if (isBuilt(name)) return dir;
  const { version } = BACKENDS[name];
  await mkdir(path.dirname(dir), { recursive: true });
  const scratch = await mkdtemp(`${dir}.building-`);
  await chmod(scratch, 0o755); // mkdtemp's 0700 would hide it from the user Elasticsearch runs as
  const started = Date.now();
  print(`backends: building ${name} ${version} into ${dir} (once; later runs reuse it)`);
  const heartbeat = setInterval(
    () => print(`backends: still building ${name} (${Math.round((Date.now() - started) / 1000)} s)`),
    30_000,
  );
  try {
    await buildInto(name, scratch);
    await writeFile(path.join(scratch, '.faultline-built'), `${JSON.stringify({ name, version })}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(scratch, dir);
    print(`backends: ${name} ${version} built in ${Math.round((Date.now() - started) / 1000)} s`);
    return dir;
  } finally {
    clearInterval(heartbeat);
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Builds every named backend in turn (they each use every core). */
export async function ensureAllBuilt(
  names: readonly BackendName[] = Object.keys(BACKENDS) as BackendName[],
  print: Print = console.log,
): Promise<void> {
  for (const name of names) await ensureBuilt(name, print);
}
