/**
 * The resource attributes every exported span carries, from the service identity. Faultline is
 * its own implementation of the OpenTelemetry API, not the official SDK nor a distribution of
 * it, so it names itself in `telemetry.sdk.*` (the value `opentelemetry` is reserved for the
 * official SDKs) and sets no `telemetry.distro.*`.
 */
import { hostname } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import { resourceAttributes as attr } from '../catalogue/index.ts';
import type { ServiceIdentity } from '../config/types.ts';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';

/** The `telemetry.sdk.name` Faultline reports. */
export const TELEMETRY_SDK_NAME = 'faultline';

/** Node's `process.arch` as the well-known `host.arch` values name it (`x64` is `amd64`). */
export function hostArch(arch: string): string {
  switch (arch) {
    case 'x64':
      return 'amd64';
    case 'arm':
      return 'arm32';
    case 'ppc':
      return 'ppc32';
    case 'ia32':
      return 'x86';
    default:
      return arch;
  }
}

/** Service, host, process and SDK attributes; `OTEL_RESOURCE_ATTRIBUTES` fill in the rest. */
export function createResource(service: ServiceIdentity): Attributes {
  const attributes: Attributes = {
    ...service.attributes,
    [attr.serviceName]: service.name,
    [attr.serviceVersion]: service.version,
    [attr.serviceInstanceId]: service.instanceId,
    [attr.hostName]: hostname(),
    [attr.hostArch]: hostArch(process.arch),
    [attr.processPid]: process.pid,
    [attr.processRuntimeName]: 'nodejs',
    [attr.processRuntimeVersion]: process.versions.node,
    [attr.processCommand]: process.argv[1],
    [attr.telemetrySdkName]: TELEMETRY_SDK_NAME,
    [attr.telemetrySdkLanguage]: 'nodejs',
    [attr.telemetrySdkVersion]: INSTRUMENTATION_SCOPE.version,
  };
  for (const key of Object.keys(attributes)) if (attributes[key] === undefined) delete attributes[key];
  return attributes;
}
