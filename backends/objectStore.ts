/**
 * The S3-compatible object store backups are written to in tests and the demo: moto's server
 * (`backends/versions.ts` pins it; `npm run backends:build` pip-installs it into a virtual
 * environment in the cache), on a free loopback port. It supports bucket versioning, which the
 * backups rely on. It keeps objects in memory: stopping it loses them, which is what a test wants.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { programPath } from './binaries.ts';
import { freePort } from './ports.ts';
import { answers, startBackend, type BackendProcess } from './process.ts';

/** A running object store. Any access key and secret are accepted. */
export interface RunningObjectStore {
  /** The S3 endpoint, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  readonly process: BackendProcess;
  stop(): Promise<void>;
}

/**
 * Starts moto's S3 server; resolves once it answers. The virtual environment's own python runs
 * it (`python -m moto.server`): its console scripts name the directory it was built in.
 */
export async function startObjectStore(): Promise<RunningObjectStore> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-moto-'));
  const server = await startBackend({
    name: 'moto',
    command: programPath('moto', path.join('venv', 'bin', 'python')),
    args: ['-m', 'moto.server', '--host', '127.0.0.1', '--port', String(port)],
    logFile: path.join(dir, 'moto.log'),
    ready: () => answers(`${endpoint}/moto-api/`),
  });
  return {
    endpoint,
    port,
    process: server,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
