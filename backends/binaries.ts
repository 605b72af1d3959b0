/** Paths of the built backends' programs, with a clear error when one is not built yet. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { backendDir, builtMarker } from './cache.ts';
import { repoRoot } from './repoRoot.ts';
import { BACKENDS, type BackendName } from './versions.ts';

/** A backend was not built; the message gives the command that builds it. */
export class NotBuiltError extends Error {
  constructor(name: BackendName) {
    super(
      `${name} ${BACKENDS[name].version} is not built in ${backendDir(name)}: run \`node backends/build.ts ${name}\` (npm test and npm run demo do this first)`,
    );
    this.name = 'NotBuiltError';
  }
}

/** The path of `program` inside the built `name`; throws NotBuiltError when absent. */
export function programPath(name: BackendName, program: string): string {
  if (!existsSync(builtMarker(name))) throw new NotBuiltError(name);
  return path.join(backendDir(name), program);
}

/** `promtool` of the pinned Prometheus. */
export const promtoolPath = (): string => programPath('prometheus', 'promtool');
/** `amtool` of the pinned Alertmanager. */
export const amtoolPath = (): string => programPath('alertmanager', 'amtool');
/** The Collector built from collector/builder-config.yaml. */
export const collectorPath = (): string => programPath('collector', 'otelcol-faultline');
/** The directory holding `opentelemetry/proto/**.proto` of the pinned opentelemetry-proto release. */
export const otlpProtoDir = (): string => programPath('otlpProto', 'protos');
/** The checked-in Collector configuration every run uses. */
export const COLLECTOR_CONFIG = path.join(repoRoot(), 'collector', 'otel-collector.yaml');
