/**
 * Elasticsearch's integration-test distribution (Maven Central; no x-pack, so no ILM and no
 * security) as a single node on loopback, with its data, logs and a copy of its config in a
 * directory of the caller's. Elasticsearch refuses to run as root, so as root it runs as `nobody`
 * with that directory handed over to it.
 */
import { chmod, chown, cp, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { programPath } from './binaries.ts';
import { freePort } from './ports.ts';
import { answers, startBackend, type BackendProcess } from './process.ts';
import { findJavaHome } from './toolchain.ts';
import { BACKENDS } from './versions.ts';

/** A running Elasticsearch node. */
export interface RunningElasticsearch {
  readonly url: string;
  readonly process: BackendProcess;
  stop(): Promise<void>;
}

/** Options of {@link startElasticsearch}. */
export interface ElasticsearchOptions {
  /** Directory for data, logs and config (created; handed to `nobody` when running as root). */
  dir: string;
  /** JVM heap in MiB (default 512). */
  heapMiB?: number;
  /** HTTP port (default a free one); given, e.g. to restart a node where its clients point. */
  port?: number;
}

const NOBODY = { uid: 65534, gid: 65534 };

async function chownTree(dir: string): Promise<void> {
  await chown(dir, NOBODY.uid, NOBODY.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full);
    else await chown(full, NOBODY.uid, NOBODY.gid);
  }
}

/**
 * Lets `nobody` pass through every folder above `dir` (search permission only, o+x): a
 * temporary parent made by mkdtemp is 0700, and Elasticsearch must reach its directory.
 */
async function makeReachable(dir: string): Promise<void> {
  for (let parent = path.dirname(dir); parent !== path.dirname(parent); parent = path.dirname(parent)) {
    const { mode } = await stat(parent);
    if ((mode & 0o001) === 0) await chmod(parent, (mode & 0o7777) | 0o001);
  }
}

/** Starts Elasticsearch and resolves once the cluster is at least yellow. */
export async function startElasticsearch(options: ElasticsearchOptions): Promise<RunningElasticsearch> {
  const home = path.dirname(path.dirname(programPath('elasticsearch', 'elasticsearch/bin/elasticsearch')));
  const javaHome = findJavaHome(BACKENDS.elasticsearch.minJava, 'Elasticsearch');
  const [http, transport] = await Promise.all([options.port ?? freePort(), freePort()]);
  const config = path.join(options.dir, 'config');
  await mkdir(path.join(options.dir, 'data'), { recursive: true });
  await mkdir(path.join(options.dir, 'logs'), { recursive: true });
  await cp(path.join(home, 'config'), config, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await chownTree(options.dir);
    await makeReachable(options.dir);
  }
  const settings = {
    'cluster.name': 'faultline',
    'node.name': 'faultline-1',
    // The distribution carries x-pack security; the tests and demo run it on loopback without auth.
    'xpack.security.enabled': 'false',
    'discovery.type': 'single-node',
    'network.host': '127.0.0.1',
    'http.port': String(http),
    'transport.port': String(transport),
    'path.data': path.join(options.dir, 'data'),
    'path.logs': path.join(options.dir, 'logs'),
    // Tests and the demo write small volumes; a fuller disk must not turn indices read-only.
    'cluster.routing.allocation.disk.threshold_enabled': 'false',
  };
  const launcher = path.join(home, 'bin', 'elasticsearch');
  const args = Object.entries(settings).flatMap(([key, value]) => ['-E', `${key}=${value}`]);
  const url = `http://127.0.0.1:${http}`;
  const heap = options.heapMiB ?? 512;
  const backend = await startBackend({
    name: 'elasticsearch',
    // setpriv execs in place (runuser would stand between the signal and Elasticsearch).
    command: asRoot ? 'setpriv' : launcher,
    args: asRoot
      ? [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', '--', launcher, ...args]
      : args,
    env: {
      ES_JAVA_HOME: javaHome,
      ES_PATH_CONF: config,
      ES_JAVA_OPTS: `-Xms${heap}m -Xmx${heap}m`,
    },
    logFile: path.join(options.dir, 'elasticsearch.log'),
    ready: () => answers(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`),
    readyTimeoutMs: 180_000,
    stopTimeoutMs: 30_000,
  });
  return { url, process: backend, stop: () => backend.stop() };
}
