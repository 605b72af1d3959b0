/**
 * The one place the real backends' versions are pinned, for the tests, the demo and (checked by
 * compose/composeFile.test.ts) docker-compose.yml's image tags. The Collector's version is the
 * `dist.version` of collector/builder-config.yaml, the builder manifest it is built from.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './repoRoot.ts';

/** A Go program built from a module of the Go module proxy, inside that module (its go.mod rules). */
export interface GoProgram {
  readonly kind: 'go';
  /** The release users know (and the image tag compose uses). */
  readonly version: string;
  /** The Go module and the module version that holds that release. */
  readonly module: string;
  readonly moduleVersion: string;
  /** Packages inside the module to build, binary name → package path relative to the module. */
  readonly commands: Readonly<Record<string, string>>;
  /** `-ldflags -X` settings (version strings shown by `--version`). */
  readonly ldflags?: string;
  /**
   * Files a release build generates before compiling (relative path → content); when given, the
   * module is built in a copy of its folder with them written (the module cache is read-only).
   */
  readonly generated?: Readonly<Record<string, string>>;
}

/** Elasticsearch's integration-test distribution (no x-pack) from Maven Central. */
export interface MavenDistribution {
  readonly kind: 'maven';
  readonly version: string;
  readonly artifact: string;
  /** Lowest Java feature release it runs on. */
  readonly minJava: number;
}

/**
 * A Java program run from the jars of Maven Central: its artifacts and their runtime
 * dependencies, copied into one folder that is the classpath.
 */
export interface MavenJars {
  readonly kind: 'maven-jars';
  readonly version: string;
  /** `groupId:artifactId:version` of each artifact whose runtime classpath is fetched. */
  readonly artifacts: readonly string[];
  /** Lowest Java feature release it runs on. */
  readonly minJava: number;
}

/** A jar of `.proto` sources from Maven Central, unpacked (the OTLP schema the strict receivers decode with). */
export interface MavenProtos {
  readonly kind: 'protos';
  readonly version: string;
  readonly artifact: string;
}

/** The Collector, built by the official builder from a committed manifest. */
export interface CollectorBuild {
  readonly kind: 'collector';
  readonly version: string;
  readonly manifest: string;
}

/** A Python program pip-installed from PyPI into its own virtual environment. */
export interface PythonPackage {
  readonly kind: 'pypi';
  readonly version: string;
  /** The pip requirement, pinned to `version` (extras included). */
  readonly requirement: string;
}

const manifest = path.join(repoRoot(), 'collector', 'builder-config.yaml');
const collectorVersion = (parse(readFileSync(manifest, 'utf8')) as { dist: { version: string } }).dist
  .version;

const promVersion = (program: string, version: string) =>
  `-X github.com/prometheus/common/version.Version=${version} ` +
  `-X github.com/prometheus/common/version.Branch=faultline-pinned ` +
  `-X github.com/prometheus/common/version.Revision=${program}`;

/** Every backend Faultline runs for real, by name. */
export const BACKENDS = {
  collector: { kind: 'collector', version: collectorVersion, manifest } satisfies CollectorBuild,
  ferretdb: {
    kind: 'go',
    version: '1.24.2',
    // A MongoDB wire-protocol server (Apache-2.0) on SQLite: the mongodb driver's real counterpart here.
    module: 'github.com/FerretDB/FerretDB',
    moduleVersion: 'v1.24.2',
    commands: { ferretdb: './cmd/ferretdb' },
    // Its release build writes the version it embeds (`bin/task gen-version`).
    generated: { 'build/version/version.txt': 'v1.24.2\n' },
  } satisfies GoProgram,
  jaeger: {
    kind: 'go',
    version: '2.11.0',
    // Jaeger v2 releases share a commit with a v1 tag; the module has no /v2 path.
    module: 'github.com/jaegertracing/jaeger',
    moduleVersion: 'v1.74.0',
    commands: { jaeger: './cmd/jaeger' },
  } satisfies GoProgram,
  prometheus: {
    kind: 'go',
    version: '3.5.0',
    // Prometheus 3.x.y is published as Go module version v0.30x.y.
    module: 'github.com/prometheus/prometheus',
    moduleVersion: 'v0.305.0',
    commands: { prometheus: './cmd/prometheus', promtool: './cmd/promtool' },
    ldflags: promVersion('prometheus', '3.5.0'),
  } satisfies GoProgram,
  alertmanager: {
    kind: 'go',
    version: '0.28.1',
    module: 'github.com/prometheus/alertmanager',
    moduleVersion: 'v0.28.1',
    commands: { alertmanager: './cmd/alertmanager', amtool: './cmd/amtool' },
    ldflags: promVersion('alertmanager', '0.28.1'),
  } satisfies GoProgram,
  elasticsearch: {
    kind: 'maven',
    version: '9.4.3',
    artifact: 'org.elasticsearch.distribution.integ-test-zip:elasticsearch:9.4.3:zip',
    minJava: 21,
  } satisfies MavenDistribution,
  kafka: {
    kind: 'maven-jars',
    version: '4.3.2',
    artifacts: [
      // The broker (KRaft: controller and broker in one process), with `kafka.tools.StorageTool`.
      'org.apache.kafka:kafka_2.13:4.3.2',
      // What the binary distribution's libs/ adds: SLF4J 2 bound to Log4j 2, so the broker logs.
      'org.slf4j:slf4j-api:2.0.17',
      'org.apache.logging.log4j:log4j-slf4j2-impl:2.25.5',
    ],
    minJava: 17,
  } satisfies MavenJars,
  // opentelemetry-proto's own release, published by opentelemetry-java with the .proto sources.
  otlpProto: {
    kind: 'protos',
    version: '1.11.0',
    artifact: 'io.opentelemetry.proto:opentelemetry-proto:1.11.0-alpha:jar',
  } satisfies MavenProtos,
  // The S3-compatible object store backups are written to (Apache-2.0, bucket versioning).
  moto: { kind: 'pypi', version: '5.2.5', requirement: 'moto[server]==5.2.5' } satisfies PythonPackage,
} as const;

/** A backend's name. */
export type BackendName = keyof typeof BACKENDS;
