/** The OpenTelemetry resource every span carries, from the service identity. */
import { hostname } from 'node:os';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { resourceAttributes as attr } from '../catalogue/index.ts';
import type { ServiceIdentity } from '../config/types.ts';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';

/** Service, host, process and SDK attributes; `OTEL_RESOURCE_ATTRIBUTES` fill in the rest. */
export function createResource(service: ServiceIdentity): Resource {
  return resourceFromAttributes({
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
  });
}
