/**
 * A local PagerDuty Events API v2 endpoint (`POST /v2/enqueue`, also `/enqueue`) that validates
 * alert events as strictly as PagerDuty documents them (see pagerduty/validateEvent.ts), answers
 * with PagerDuty's own response bodies, and records what it accepted. Alertmanager's
 * `pagerduty_configs[].url` can point straight at it. `GET /accepted` lists what it accepted
 * (events without their routing key, and the Alertmanager webhooks it was given paths for), so a
 * console or a test in another process reads deliveries, not Alertmanager's intentions.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PagerDutyEvent } from './pagerduty/PagerDutyEvent.ts';
import { validateEvent } from './pagerduty/validateEvent.ts';
import { listen } from './shared/listen.ts';
import { parseMediaType } from './shared/mediaType.ts';
import { BodyReadError, readBody } from './shared/readBody.ts';
import { sendJson } from './shared/sendJson.ts';
import { pollUntil, type WaitOptions } from './shared/waitFor.ts';

/** PagerDuty's documented maximum event size. */
const MAX_EVENT_BYTES = 512_000;

/**
 * How events are answered: normally; 500 (PagerDuty's "retry later"); 429 throttling;
 * or never (until close). Alertmanager retries the middle two.
 */
export type PagerDutyReceiverMode = 'ok' | 'error' | 'throttle' | 'hang';

/** An accepted event, with the dedup key answered (generated when a trigger had none). */
export interface ReceivedPagerDutyEvent {
  readonly event: PagerDutyEvent;
  readonly dedupKey: string;
  readonly path: string;
  readonly receivedAt: Date;
}

/** An Alertmanager webhook notification received on one of `webhookPaths`. */
export interface ReceivedWebhook {
  readonly path: string;
  readonly body: unknown;
  readonly receivedAt: Date;
}

/** One accepted event as `GET /accepted` lists it: the event without its routing key. */
export interface AcceptedEventRecord {
  readonly receivedAt: string;
  readonly dedup_key: string;
  readonly event: Omit<PagerDutyEvent, 'routing_key'>;
}

/** The body of `GET /accepted`. */
export interface AcceptedRecords {
  readonly events: readonly AcceptedEventRecord[];
  readonly webhooks: ReadonlyArray<{
    readonly path: string;
    readonly receivedAt: string;
    readonly body: unknown;
  }>;
}

/** A refused request: the status and PagerDuty's `errors` list. */
export interface PagerDutyRejection {
  readonly status: number;
  readonly errors: readonly string[];
  readonly body: string;
}

/** Options of startPagerDutyReceiver. */
export interface PagerDutyReceiverOptions {
  port?: number;
  host?: string;
  /** When set, events must carry exactly this `routing_key` (400 otherwise). */
  routingKey?: string;
  mode?: PagerDutyReceiverMode;
  /** Called for every accepted event, after it is recorded (the sink CLI prints from here). */
  onEvent?: (received: ReceivedPagerDutyEvent) => void;
  /** Called for every refused request, after it is recorded. */
  onRejection?: (rejection: PagerDutyRejection) => void;
  /**
   * Paths (e.g. `/heartbeat`, `/warnings`) that accept Alertmanager webhook notifications
   * (any JSON body, answered 200) and record them beside the events.
   */
  webhookPaths?: readonly string[];
  /** Called for every webhook notification, after it is recorded. */
  onWebhook?: (received: ReceivedWebhook) => void;
}

/** A running receiver; accessors return snapshots. */
export interface PagerDutyReceiver {
  /** Base URL. */
  readonly url: string;
  /** `${url}/v2/enqueue`: the value for Alertmanager's `pagerduty_configs[].url`. */
  readonly enqueueUrl: string;
  /** Accepted events in arrival order. */
  events(): readonly ReceivedPagerDutyEvent[];
  /** Webhook notifications received on `webhookPaths`, in arrival order. */
  webhooks(): readonly ReceivedWebhook[];
  /** Refused requests; a passing test usually asserts this is empty. */
  rejections(): readonly PagerDutyRejection[];
  /** All requests that reached the server. */
  requestCount(): number;
  /** Switches the fault mode for requests from now on. */
  setMode(mode: PagerDutyReceiverMode): void;
  /** Resolves with the first accepted event matching `predicate`. */
  waitForEvent(
    predicate: (received: ReceivedPagerDutyEvent) => boolean,
    options?: WaitOptions,
  ): Promise<ReceivedPagerDutyEvent>;
  /** Resolves with the first rejection matching `predicate` (any by default). */
  waitForRejection(
    predicate?: (rejection: PagerDutyRejection) => boolean,
    options?: WaitOptions,
  ): Promise<PagerDutyRejection>;
  /** Forgets events, rejections and the request count. */
  reset(): void;
  /** Stops the server, dropping hung connections. */
  close(): Promise<void>;
}

interface State {
  mode: PagerDutyReceiverMode;
  requests: number;
  events: ReceivedPagerDutyEvent[];
  webhooks: ReceivedWebhook[];
  rejections: PagerDutyRejection[];
  readonly options: PagerDutyReceiverOptions;
}

/** Starts a receiver and resolves once it listens. Throws if the port cannot be bound. */
export async function startPagerDutyReceiver(
  options: PagerDutyReceiverOptions = {},
): Promise<PagerDutyReceiver> {
  const state: State = {
    mode: options.mode ?? 'ok',
    requests: 0,
    events: [],
    webhooks: [],
    rejections: [],
    options,
  };
  const server = await listen((req, res) => handle(state, req, res), options);
  const describe = () =>
    `${state.events.length} events accepted, rejections: [${state.rejections.map((r) => r.errors.join(', ')).join('; ')}]`;
  return {
    url: server.url,
    enqueueUrl: `${server.url}/v2/enqueue`,
    events: () => [...state.events],
    webhooks: () => [...state.webhooks],
    rejections: () => [...state.rejections],
    requestCount: () => state.requests,
    setMode: (mode) => {
      state.mode = mode;
    },
    waitForEvent: (predicate, wait) => pollUntil(() => state.events.find(predicate), describe, wait),
    waitForRejection: (predicate = () => true, wait) =>
      pollUntil(() => state.rejections.find(predicate), describe, wait),
    reset: () => {
      state.requests = 0;
      state.events = [];
      state.webhooks = [];
      state.rejections = [];
    },
    close: () => server.close(),
  };
}

async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.requests += 1;
  const path = new URL(req.url ?? '/', 'http://receiver').pathname;
  if (path === '/accepted' && req.method === 'GET') {
    req.resume();
    return sendJson(res, 200, acceptedRecords(state));
  }
  if ((state.options.webhookPaths ?? []).includes(path)) return webhook(state, req, res, path);
  if (path !== '/v2/enqueue' && path !== '/enqueue') {
    req.resume();
    return sendJson(res, 404, { status: 'not found', message: `no such endpoint ${path}; use /v2/enqueue` });
  }
  if (req.method !== 'POST') {
    req.resume();
    return sendJson(res, 405, { status: 'method not allowed', message: 'use POST' });
  }
  if (state.mode === 'hang') return; // never answered; close() destroys the connection
  if (state.mode !== 'ok') {
    req.resume();
    return state.mode === 'throttle'
      ? sendJson(res, 429, {
          status: 'throttle event',
          message: 'Requests for this service are arriving too quickly. Please retry later.',
        })
      : sendJson(res, 500, { status: 'error', message: 'Internal server error (fault mode)' });
  }
  await accept(state, req, res, path);
}

async function accept(state: State, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  let text = '';
  const refuse = (status: number, errors: string[]) => {
    const rejection = { status, errors, body: text };
    state.rejections.push(rejection);
    state.options.onRejection?.(rejection);
    sendJson(res, status, { status: 'invalid event', message: 'Event object is invalid', errors });
  };
  if (parseMediaType(req.headers['content-type'])?.essence !== 'application/json') {
    req.resume();
    return refuse(400, [
      `Content-Type must be application/json, got ${JSON.stringify(req.headers['content-type'] ?? null)}`,
    ]);
  }
  try {
    text = (await readBody(req, MAX_EVENT_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof BodyReadError) return refuse(error.status, [error.message]);
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refuse(400, ['Event object is not valid JSON']);
  }
  const errors = validateEvent(body, { expectedRoutingKey: state.options.routingKey });
  if (errors.length > 0) return refuse(400, errors);
  const event = body as PagerDutyEvent;
  const dedupKey = event.dedup_key ?? randomBytes(16).toString('hex');
  const received = { event, dedupKey, path, receivedAt: new Date() };
  state.events.push(received);
  state.options.onEvent?.(received);
  sendJson(res, 202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
}

/** What `GET /accepted` answers: accepted events without their routing key, and webhooks. */
function acceptedRecords(state: State): AcceptedRecords {
  return {
    events: state.events.map(({ event, dedupKey, receivedAt }) => {
      const { routing_key: _secret, ...rest } = event;
      return { receivedAt: receivedAt.toISOString(), dedup_key: dedupKey, event: rest };
    }),
    webhooks: state.webhooks.map(({ path, body, receivedAt }) => ({
      path,
      receivedAt: receivedAt.toISOString(),
      body,
    })),
  };
}

async function webhook(state: State, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'POST') {
    req.resume();
    return sendJson(res, 405, { status: 'method not allowed', message: 'use POST' });
  }
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, MAX_EVENT_BYTES)).toString('utf8'));
  } catch (error) {
    if (error instanceof BodyReadError)
      return sendJson(res, error.status, { status: 'error', message: error.message });
    return sendJson(res, 400, { status: 'error', message: 'body is not valid JSON' });
  }
  const received = { path, body, receivedAt: new Date() };
  state.webhooks.push(received);
  state.options.onWebhook?.(received);
  sendJson(res, 200, { status: 'success' });
}
