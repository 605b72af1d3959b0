/**
 * A MongoDB wire-protocol server for the mongodb driver's tests: FerretDB (Apache-2.0; pinned
 * in `backends/versions.ts`, built from its Go module by `npm run backends:build`) on its SQLite
 * handler, with its data in a temporary folder, on free loopback ports, telemetry off. No MongoDB
 * server can be had on this machine; FerretDB answers the driver's commands as MongoDB does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { programPath } from './binaries.ts';
import { freePorts } from './ports.ts';
import { answers, startBackend, type BackendProcess } from './process.ts';

/** A running FerretDB. */
export interface RunningFerretDb {
  /** `mongodb://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly process: BackendProcess;
  stop(): Promise<void>;
}

/** Starts FerretDB; resolves once its debug endpoint answers and the wire port listens. */
export async function startFerretDb(): Promise<RunningFerretDb> {
  const [port, debugPort] = (await freePorts(2)) as [number, number];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-ferretdb-'));
  const server = await startBackend({
    name: 'ferretdb',
    command: programPath('ferretdb', 'ferretdb'),
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--debug-addr=127.0.0.1:${debugPort}`,
      '--telemetry=disable',
      '--log-level=WARN',
    ],
    logFile: path.join(dir, 'ferretdb.log'),
    ready: () => answers(`http://127.0.0.1:${debugPort}/debug/readyz`),
  });
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    process: server,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
