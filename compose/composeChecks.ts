import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** A service of a parsed (anchors and merge keys resolved) compose file. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  restart?: string;
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: (string | { type?: string; source?: string; target: string })[];
  secrets?: (string | { source: string; target?: string })[];
  environment?: string[] | Record<string, string | number | boolean | null>;
  [key: string]: unknown;
}

/** A parsed compose file. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

/**
 * Services deliberately without a health check, and why. Every other service must have one.
 */
export const HEALTHCHECK_EXEMPT: Readonly<Record<string, string>> = {
  'otel-collector':
    'the contrib image is built FROM scratch: no shell or HTTP client to run a check; its liveness is ' +
    'the health_check extension (13133) and Prometheus up{job="otel-collector"}',
  'observability-setup': 'a one-shot job; dependants wait for service_completed_successfully',
};

/** Images whose releases are numbered major.minor (PostgreSQL 15.14 is an exact release). */
const TWO_PART_VERSIONS = new Set(['postgres']);

/**
 * An image reference pinned to an exact release: a digest, or a tag naming a full version
 * (major.minor.patch, or major.minor for images numbered that way). `latest`, `7` or `7.4`
 * move with every release and do not count.
 */
export function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const [repository = '', tag] = image.slice(image.lastIndexOf('/') + 1).split(':');
  if (tag === undefined || tag === 'latest') return false;
  const exact = TWO_PART_VERSIONS.has(repository) ? /^\d+\.\d+(-|$)/ : /^v?\d+\.\d+\.\d+/;
  return exact.test(tag);
}

function dependencies(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition]));
}

/** Every image pinned; services built from the repository need no image. */
export function checkImages(compose: ComposeFile): string[] {
  return Object.entries(compose.services).flatMap(([name, s]) => {
    if (s.image === undefined) return s.build ? [] : [`${name}: neither image nor build`];
    return isPinned(s.image)
      ? []
      : [`${name}: image "${s.image}" is not pinned to an exact version or digest`];
  });
}

/** Every dependency exists and its condition is one the dependency can meet. */
export function checkDependencies(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [dep, condition] of Object.entries(dependencies(service))) {
      const target = compose.services[dep];
      if (!target) problems.push(`${name}: depends on "${dep}", which is not a service`);
      else if (condition === 'service_healthy' && !target.healthcheck?.test) {
        problems.push(`${name}: waits for "${dep}" to be healthy, but "${dep}" has no health check`);
      } else if (condition === 'service_completed_successfully' && target.restart !== 'on-failure') {
        problems.push(
          `${name}: waits for "${dep}" to complete, but "${dep}" is not a one-shot (restart: on-failure)`,
        );
      }
    }
  }
  return problems;
}

/** Every service has a health check (unless exempt, with a reason) and a restart policy. */
export function checkHealthAndRestart(compose: ComposeFile): string[] {
  return Object.entries(compose.services).flatMap(([name, s]) => [
    ...(s.healthcheck?.test || name in HEALTHCHECK_EXEMPT ? [] : [`${name}: no health check`]),
    ...(s.restart ? [] : [`${name}: no restart policy`]),
  ]);
}

/** Every bind-mounted host path exists in the repository; every named volume is declared and used. */
export function checkVolumes(compose: ComposeFile, root: string): string[] {
  const problems: string[] = [];
  const declared = new Set(Object.keys(compose.volumes ?? {}));
  const used = new Set<string>();
  for (const [name, service] of Object.entries(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
      if (source.startsWith('.') || isAbsolute(source)) {
        if (isAbsolute(source)) problems.push(`${name}: mounts absolute host path "${source}"`);
        else if (!existsSync(join(root, source)))
          problems.push(`${name}: mounts "${source}", which does not exist`);
      } else {
        used.add(source);
        if (!declared.has(source)) problems.push(`${name}: uses volume "${source}", which is not declared`);
      }
    }
  }
  for (const volume of declared)
    if (!used.has(volume)) problems.push(`volume "${volume}" is declared but unused`);
  return problems;
}

/** Every secret a service uses is declared, and read from a file. */
export function checkSecrets(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const secret of service.secrets ?? []) {
      const source = typeof secret === 'string' ? secret : secret.source;
      const declared = compose.secrets?.[source];
      if (!declared) problems.push(`${name}: uses secret "${source}", which is not declared`);
      else if (!declared.file) problems.push(`secret "${source}" is not read from a file`);
    }
  }
  return problems;
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ROUTING_KEY|PRIVATE_KEY)/i;
const CREDENTIALS_IN_URL = /:\/\/[^/\s:@]+:([^@\s/]+)@/;
const LONG_OPAQUE = /\b[A-Za-z0-9+/_-]{32,}={0,2}\b/;

/** Every string in `value`, with its path. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_NAME.test(k) && !/_FILE(_PATH)?$/i.test(k) && typeof v === 'string') {
        yield [`${path}.${k}`, `secret-named variable set inline: ${k}`];
      }
      yield* strings(v, `${path}.${k}`);
    }
  }
}

/**
 * No string looks like a secret: no password-, token- or key-named variable set inline (only
 * `*_FILE` indirections), no credentials in URLs other than a shell read of a mounted secret,
 * no long opaque token.
 */
export function checkNoSecrets(compose: unknown): string[] {
  const problems: string[] = [];
  for (const [path, value] of strings(compose, '')) {
    if (value.startsWith('secret-named variable set inline')) problems.push(`${path}: ${value}`);
    const inUrl = CREDENTIALS_IN_URL.exec(value)?.[1];
    if (inUrl && !inUrl.startsWith('$$(cat /run/secrets/') && !inUrl.startsWith('$(cat /run/secrets/')) {
      problems.push(`${path}: credentials in a URL`);
    }
    if (LONG_OPAQUE.test(value.replace(/[a-z0-9-]+\/[a-z0-9./_-]+/gi, '')))
      problems.push(`${path}: looks like a token`);
  }
  return problems;
}
