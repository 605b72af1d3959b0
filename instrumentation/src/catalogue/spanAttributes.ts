/**
 * The trace half of the signal catalogue: span attribute and event names. Standard ones are the
 * OpenTelemetry semantic conventions (stable HTTP and messaging names); Faultline's own live
 * under `faultline.*`.
 */
export const spanAttributes = {
  httpRequestMethod: 'http.request.method',
  httpRequestMethodOriginal: 'http.request.method_original',
  httpRoute: 'http.route',
  httpResponseStatusCode: 'http.response.status_code',
  urlPath: 'url.path',
  urlQuery: 'url.query',
  urlScheme: 'url.scheme',
  urlFull: 'url.full',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  clientAddress: 'client.address',
  networkPeerAddress: 'network.peer.address',
  networkPeerPort: 'network.peer.port',
  userAgent: 'user_agent.original',
  networkProtocolVersion: 'network.protocol.version',
  errorType: 'error.type',
  messagingSystem: 'messaging.system',
  messagingDestinationName: 'messaging.destination.name',
  messagingOperationType: 'messaging.operation.type',
  messagingMessageId: 'messaging.message.id',
  messagingOperationName: 'messaging.operation.name',
  messagingRabbitmqRoutingKey: 'messaging.rabbitmq.destination.routing_key',
  messagingRabbitmqDeliveryTag: 'messaging.rabbitmq.message.delivery_tag',
  messagingOutcome: 'faultline.messaging.outcome',
  breakerName: 'faultline.breaker.name',
  breakerState: 'faultline.breaker.state',
  breakerPreviousState: 'faultline.breaker.previous_state',
  retryOperation: 'faultline.retry.operation',
  retryAttempt: 'faultline.retry.attempt',
  retryDelayMs: 'faultline.retry.delay_ms',
  sagaName: 'faultline.saga.name',
  sagaId: 'faultline.saga.id',
  sagaStep: 'faultline.saga.step',
  sagaCompensation: 'faultline.saga.compensation',
  sagaOutcome: 'faultline.saga.outcome',
} as const;

/** Span event names Faultline adds. */
export const spanEvents = {
  breakerStateChange: 'circuit_breaker.state_change',
  retryAttempt: 'retry.attempt',
} as const;

/** Resource attributes every span (and the `service` metric label) is derived from. */
export const resourceAttributes = {
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  serviceInstanceId: 'service.instance.id',
  hostName: 'host.name',
  hostArch: 'host.arch',
  processPid: 'process.pid',
  processRuntimeName: 'process.runtime.name',
  processRuntimeVersion: 'process.runtime.version',
  processCommand: 'process.command',
  telemetrySdkName: 'telemetry.sdk.name',
  telemetrySdkLanguage: 'telemetry.sdk.language',
  telemetrySdkVersion: 'telemetry.sdk.version',
} as const;
