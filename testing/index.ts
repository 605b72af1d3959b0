/**
 * The public surface of @faultline/testing: protocol receivers that other suites use to prove
 * Faultline's wire formats. Import from here (e.g. `../testing/index.ts`); everything under
 * the subfolders of `receivers/` is internal and may change.
 */
export {
  startOtlpTraceReceiver,
  type OtlpTraceReceiver,
  type OtlpTraceReceiverOptions,
  type OtlpReceiverMode,
  type OtlpExport,
  type OtlpRejection,
} from './receivers/otlpTraceReceiver.ts';
export type { NormalisedSpan, NormalisedEvent, NormalisedLink } from './receivers/otlp/normaliseSpans.ts';
export type { AttributeValue } from './receivers/otlp/attributes.ts';
export { SPAN_KIND, STATUS_CODE } from './receivers/otlp/validateTraceRequest.ts';
export { PROTO_PACKAGE, PROTO_VERSION } from './receivers/otlp/otlpProto.ts';

export {
  startElasticsearchBulkReceiver,
  type ElasticsearchBulkReceiver,
  type ElasticsearchBulkReceiverOptions,
  type ElasticsearchReceiverMode,
  type EsRejection,
} from './receivers/elasticsearchBulkReceiver.ts';
export type { StoredDocument } from './receivers/elasticsearch/DocumentStore.ts';
export type { BulkOperation, BulkAction } from './receivers/elasticsearch/parseBulkBody.ts';
export type { BulkRecord } from './receivers/elasticsearch/handleBulk.ts';
export {
  rejectedExecution,
  documentParsingFailure,
  type BulkItemFault,
  type ItemFaultDecider,
} from './receivers/elasticsearch/itemFaults.ts';

export {
  startPagerDutyReceiver,
  type PagerDutyReceiver,
  type PagerDutyReceiverOptions,
  type PagerDutyReceiverMode,
  type ReceivedPagerDutyEvent,
  type PagerDutyRejection,
} from './receivers/pagerDutyReceiver.ts';
export type { PagerDutyEvent, PagerDutyPayload } from './receivers/pagerduty/PagerDutyEvent.ts';
export { validateEvent as validatePagerDutyEvent } from './receivers/pagerduty/validateEvent.ts';
export {
  alertmanagerTrigger,
  alertmanagerResolve,
  EXAMPLE_ROUTING_KEY,
} from './receivers/pagerduty/alertmanagerEvents.ts';

export { WaitTimeoutError, type WaitOptions } from './receivers/shared/waitFor.ts';
export { freePort } from './receivers/shared/freePort.ts';
