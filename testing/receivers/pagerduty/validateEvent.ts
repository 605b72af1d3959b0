/**
 * PagerDuty Events API v2 validation, as PagerDuty documents the alert event: a pure function
 * from a parsed body to the list of problems (empty when valid), so every rule is testable
 * without HTTP and all problems of a body are reported at once, as PagerDuty does.
 */

type Json = Record<string, unknown>;

const TOP_LEVEL = new Set([
  'routing_key',
  'event_action',
  'dedup_key',
  'payload',
  'links',
  'images',
  'client',
  'client_url',
]);
const PAYLOAD = new Set([
  'summary',
  'source',
  'severity',
  'timestamp',
  'component',
  'group',
  'class',
  'custom_details',
]);
const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** What the receiver checks beyond the documented format. */
export interface EventValidationOptions {
  /** When set, `routing_key` must equal it. */
  expectedRoutingKey?: string;
}

/**
 * Returns every problem of `body` as a PagerDuty-style message, or [] for a valid event.
 * `dedup_key` may be absent only on a trigger (the receiver then generates one).
 */
export function validateEvent(body: unknown, options: EventValidationOptions = {}): string[] {
  if (!isObject(body)) return ['Event object must be a JSON object'];
  const problems: string[] = [];
  for (const key of Object.keys(body))
    if (!TOP_LEVEL.has(key)) problems.push(`'${key}' is not a recognised field`);
  problems.push(...checkRoutingKey(body.routing_key, options.expectedRoutingKey));
  const action = body.event_action;
  if (typeof action !== 'string' || !ACTIONS.includes(action)) {
    problems.push(`'event_action' is invalid (must be one of ${ACTIONS.join(', ')})`);
  }
  problems.push(...checkDedupKey(body.dedup_key, action));
  if (action === 'trigger' || body.payload !== undefined)
    problems.push(...checkPayload(body.payload, action === 'trigger'));
  problems.push(
    ...checkList(body.links, 'links', checkLink),
    ...checkList(body.images, 'images', checkImage),
  );
  problems.push(...optionalString(body.client, 'client'), ...optionalString(body.client_url, 'client_url'));
  return problems;
}

function checkRoutingKey(key: unknown, expected: string | undefined): string[] {
  if (typeof key !== 'string' || key === '') return ["'routing_key' is missing or blank"];
  if (key.length !== 32) return ["Length of 'routing_key' is incorrect (should be 32 characters)"];
  if (expected !== undefined && key !== expected) return ["'routing_key' does not match this integration"];
  return [];
}

function checkDedupKey(key: unknown, action: unknown): string[] {
  if (key === undefined) {
    return action === 'acknowledge' || action === 'resolve'
      ? [`'dedup_key' is required for ${action} events`]
      : [];
  }
  if (typeof key !== 'string' || key === '') return ["'dedup_key' must be a non-empty string"];
  if (key.length > 255) return ["'dedup_key' is too long (maximum is 255 characters)"];
  return [];
}

/** On a trigger every required field is checked; elsewhere only the shape (PagerDuty ignores it). */
function checkPayload(payload: unknown, isTrigger: boolean): string[] {
  if (!isObject(payload)) return ["'payload' is missing or not an object"];
  const problems = Object.keys(payload)
    .filter((key) => !PAYLOAD.has(key))
    .map((key) => `'payload.${key}' is not a recognised field`);
  if (!isTrigger) return problems;
  const summary = payload.summary;
  if (typeof summary !== 'string' || summary === '') problems.push("'payload.summary' is missing or blank");
  else if ([...summary].length > 1024)
    problems.push("'payload.summary' is too long (maximum is 1024 characters)");
  if (typeof payload.source !== 'string' || payload.source === '')
    problems.push("'payload.source' is missing or blank");
  if (typeof payload.severity !== 'string' || !SEVERITIES.includes(payload.severity)) {
    problems.push(`'payload.severity' is invalid (must be one of ${SEVERITIES.join(', ')})`);
  }
  problems.push(...checkTimestamp(payload.timestamp));
  for (const field of ['component', 'group', 'class'])
    problems.push(...optionalString(payload[field], `payload.${field}`));
  if (payload.custom_details !== undefined && !isObject(payload.custom_details)) {
    problems.push("'payload.custom_details' must be an object");
  }
  return problems;
}

function checkTimestamp(timestamp: unknown): string[] {
  if (timestamp === undefined) return [];
  if (typeof timestamp !== 'string' || !ISO_8601.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    return ["'payload.timestamp' must be an ISO 8601 date-time"];
  }
  return [];
}

function checkList(value: unknown, name: string, checkItem: (item: Json, at: string) => string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [`'${name}' must be an array`];
  return value.flatMap((item: unknown, index) =>
    isObject(item) ? checkItem(item, `${name}[${index}]`) : [`'${name}[${index}]' must be an object`],
  );
}

function checkLink(link: Json, at: string): string[] {
  return [
    ...unknownKeys(link, at, ['href', 'text']),
    ...requiredString(link.href, `${at}.href`),
    ...optionalString(link.text, `${at}.text`),
  ];
}

function checkImage(image: Json, at: string): string[] {
  return [
    ...unknownKeys(image, at, ['src', 'href', 'alt']),
    ...requiredString(image.src, `${at}.src`),
    ...optionalString(image.href, `${at}.href`),
    ...optionalString(image.alt, `${at}.alt`),
  ];
}

function unknownKeys(object: Json, at: string, known: readonly string[]): string[] {
  return Object.keys(object)
    .filter((key) => !known.includes(key))
    .map((key) => `'${at}.${key}' is not a recognised field`);
}

function requiredString(value: unknown, name: string): string[] {
  return typeof value === 'string' && value !== '' ? [] : [`'${name}' is missing or blank`];
}

function optionalString(value: unknown, name: string): string[] {
  return value === undefined || typeof value === 'string' ? [] : [`'${name}' must be a string`];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
