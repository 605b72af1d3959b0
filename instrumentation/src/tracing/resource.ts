/** The resource attributes every exported span carries, from the service identity. */
import { hostname } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import { resourceAttributes as attr } from '../catalogue/index.ts';
import type { ServiceIdentity } from '../config/types.ts';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';

/** Service, host, process and SDK attributes; `OTEL_RESOURCE_ATTRIBUTES` fill in the rest. */
export function createResource(service: ServiceIdentity): Attributes {
  const attributes: Attributes = {
    ...service.attributes,
    [attr.serviceName]: service.name,
    [attr.serviceVersion]: service.version,
    [attr.serviceInstanceId]: service.instanceId,
    [attr.hostName]: hostname(),
    [attr.hostArch]: process.arch,
    [attr.processPid]: process.pid,
    [attr.processRuntimeName]: 'nodejs',
    [attr.processRuntimeVersion]: process.versions.node,
    [attr.processCommand]: process.argv[1],
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.distro.name': INSTRUMENTATION_SCOPE.name,
    'telemetry.distro.version': INSTRUMENTATION_SCOPE.version,
  };
  for (const key of Object.keys(attributes)) if (attributes[key] === undefined) delete attributes[key];
  return attributes;
}
