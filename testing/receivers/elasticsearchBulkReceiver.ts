/**
 * Enough of the Elasticsearch 9 REST API for the official `@elastic/elasticsearch` client to
 * index through it, with the bulk protocol checked strictly (see elasticsearch/parseBulkBody.ts).
 * Accepted documents are stored per index; fault modes fail whole bulk requests, fail chosen
 * items, hang, or take the node down (connection refused) and back up on the same port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clusterInfo } from './elasticsearch/clusterInfo.ts';
import { DocumentStore, type StoredDocument } from './elasticsearch/DocumentStore.ts';
import { EsRequestError, errorBody } from './elasticsearch/esErrors.ts';
import { assertAccept, sendEs, sendEsError } from './elasticsearch/esHttp.ts';
import { handleBulk, type BulkRecord } from './elasticsearch/handleBulk.ts';
import type { ItemFaultDecider } from './elasticsearch/itemFaults.ts';
import { SettingsRegistry } from './elasticsearch/SettingsRegistry.ts';
import { answerSettings, matchSettingsPath } from './elasticsearch/settingsRoutes.ts';
import { readJsonBody } from './elasticsearch/readJsonBody.ts';
import { listen, type ListeningServer } from './shared/listen.ts';
import { pollUntil, type WaitOptions } from './shared/waitFor.ts';

/**
 * How bulk requests are answered. `'down'` closes the port (connection refused) until another
 * mode is set; the other faults apply to `_bulk` only, so setup calls keep working.
 */
export type ElasticsearchReceiverMode =
  | 'ok'
  | 'hang'
  | 'down'
  | { readonly failRequests: 429 | 500 | 503 }
  | { readonly failItems: ItemFaultDecider };

/** Options of startElasticsearchBulkReceiver. */
export interface ElasticsearchBulkReceiverOptions {
  port?: number;
  host?: string;
  /** Version reported by `GET /` (default 9.0.0). */
  version?: string;
  mode?: ElasticsearchReceiverMode;
}

/** A request the receiver refused: protocol violations, bad media types, unknown routes. */
export interface EsRejection {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly type: string;
  readonly reason: string;
}

/** A running receiver; accessors return snapshots. */
export interface ElasticsearchBulkReceiver {
  /** Base URL: the client's `node` option. */
  readonly url: string;
  /** Currently stored documents (after updates and deletes), optionally of one index. */
  documents(index?: string): StoredDocument[];
  /** Every bulk request that was parsed and answered 200, with its per-item outcome. */
  bulkRequests(): readonly BulkRecord[];
  /** All HTTP requests that reached the server. */
  requestCount(): number;
  /** Requests to `_bulk`, whatever their outcome (including fault modes). */
  bulkRequestCount(): number;
  /** Refused requests; a passing test usually asserts this is empty. */
  rejections(): readonly EsRejection[];
  /** Recorded `PUT /_index_template/<name>` bodies by name. */
  indexTemplates(): Record<string, Record<string, unknown>>;
  /** Recorded `PUT /_component_template/<name>` bodies by name. */
  componentTemplates(): Record<string, Record<string, unknown>>;
  /** Recorded `PUT /_ilm/policy/<name>` bodies by name. */
  ilmPolicies(): Record<string, Record<string, unknown>>;
  /** Switches the mode; resolves once a 'down' node has closed its port or a revived one listens again. */
  setMode(mode: ElasticsearchReceiverMode): Promise<void>;
  /** Resolves with the first stored document matching `predicate`. */
  waitForDocument(
    predicate: (doc: StoredDocument) => boolean,
    options?: WaitOptions,
  ): Promise<StoredDocument>;
  /** Resolves with all stored documents once `predicate(all)` holds. */
  waitForDocuments(
    predicate: (docs: StoredDocument[]) => boolean,
    options?: WaitOptions,
  ): Promise<StoredDocument[]>;
  /** Resolves once at least `count` bulk requests have arrived. */
  waitForBulkRequestCount(count: number, options?: WaitOptions): Promise<number>;
  /** Resolves with the first rejection matching `predicate` (any by default). */
  waitForRejection(
    predicate?: (rejection: EsRejection) => boolean,
    options?: WaitOptions,
  ): Promise<EsRejection>;
  /** Forgets documents, settings, requests and rejections. */
  reset(): void;
  /** Stops the node for good. */
  close(): Promise<void>;
}

interface State {
  mode: ElasticsearchReceiverMode;
  requests: number;
  bulkAttempts: number;
  bulks: BulkRecord[];
  rejections: EsRejection[];
  readonly store: DocumentStore;
  readonly settings: SettingsRegistry;
  readonly version: string;
}

/** Starts a receiver and resolves once it listens. Throws if the port cannot be bound. */
export async function startElasticsearchBulkReceiver(
  options: ElasticsearchBulkReceiverOptions = {},
): Promise<ElasticsearchBulkReceiver> {
  const state: State = {
    mode: 'ok',
    requests: 0,
    bulkAttempts: 0,
    bulks: [],
    rejections: [],
    store: new DocumentStore(),
    settings: new SettingsRegistry(),
    version: options.version ?? '9.0.0',
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => route(state, req, res);
  let server: ListeningServer | undefined = await listen(handler, options);
  const { url, port } = server;
  const host = options.host;
  const setMode = async (mode: ElasticsearchReceiverMode) => {
    state.mode = mode;
    if (mode === 'down' && server !== undefined) {
      await server.close();
      server = undefined;
    } else if (mode !== 'down' && server === undefined) {
      server = await listen(handler, { host, port });
    }
  };
  if (options.mode !== undefined) await setMode(options.mode);
  const documents = (index?: string) => state.store.documents(index);
  return {
    url,
    documents,
    bulkRequests: () => [...state.bulks],
    requestCount: () => state.requests,
    bulkRequestCount: () => state.bulkAttempts,
    rejections: () => [...state.rejections],
    indexTemplates: () => state.settings.all('index_template'),
    componentTemplates: () => state.settings.all('component_template'),
    ilmPolicies: () => state.settings.all('ilm_policy'),
    setMode,
    waitForDocument: (predicate, wait) =>
      pollUntil(
        () => documents().find(predicate),
        () => `no matching document; ${summarise(state)}`,
        wait,
      ),
    waitForDocuments: (predicate, wait) =>
      pollUntil(
        () => (predicate(documents()) ? documents() : undefined),
        () => `predicate never held; ${summarise(state)}`,
        wait,
      ),
    waitForBulkRequestCount: (count, wait) =>
      pollUntil(
        () => (state.bulkAttempts >= count ? state.bulkAttempts : undefined),
        () => `${state.bulkAttempts} of ${count} bulk requests arrived`,
        wait,
      ),
    waitForRejection: (predicate = () => true, wait) =>
      pollUntil(
        () => state.rejections.find(predicate),
        () => `no matching rejection; ${summarise(state)}`,
        wait,
      ),
    reset: () => {
      Object.assign(state, { requests: 0, bulkAttempts: 0, bulks: [], rejections: [] });
      state.store.clear();
      state.settings.clear();
    },
    close: async () => {
      state.mode = 'down';
      await server?.close();
      server = undefined;
    },
  };
}

function summarise(state: State): string {
  const rejections = state.rejections.map((r) => `${r.status} ${r.method} ${r.path}: ${r.reason}`);
  return `${state.store.documents().length} documents, ${state.bulkAttempts} bulk requests, rejections: [${rejections.join('; ')}]`;
}

async function route(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.requests += 1;
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://receiver');
  try {
    assertAccept(req);
    await dispatch(state, method, url, req, res);
  } catch (error) {
    if (!(error instanceof EsRequestError)) throw error;
    state.rejections.push({
      method,
      path: url.pathname,
      status: error.status,
      type: error.type,
      reason: error.message,
    });
    req.resume();
    sendEsError(res, error);
  }
}

async function dispatch(
  state: State,
  method: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = url.pathname;
  if (path === '/' && (method === 'GET' || method === 'HEAD'))
    return sendEs(res, 200, clusterInfo(state.version));
  const bulk = /^\/(?:([^/_][^/]*)\/)?_bulk$/.exec(path);
  if (bulk !== null && (method === 'POST' || method === 'PUT')) {
    state.bulkAttempts += 1;
    return bulkWithFaults(state, url, bulk[1], req, res);
  }
  if (/^\/(?:[^/_][^/]*\/)?_refresh$/.test(path) && (method === 'POST' || method === 'GET')) {
    return sendEs(res, 200, { _shards: { total: 2, successful: 1, failed: 0 } });
  }
  const settings = matchSettingsPath(path);
  if (settings !== undefined) {
    const body = method === 'PUT' || method === 'POST' ? await readJsonBody(req) : undefined;
    const answer = answerSettings(state.settings, method, settings, body);
    return sendEs(res, answer.status, answer.body);
  }
  throw new EsRequestError(
    400,
    'no_handler_found',
    `no handler found for uri [${path}] and method [${method}]`,
  );
}

async function bulkWithFaults(
  state: State,
  url: URL,
  urlIndex: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const mode = state.mode;
  if (mode === 'hang') return; // never answered; close() or 'down' destroys the connection
  if (typeof mode === 'object' && 'failRequests' in mode) {
    req.resume();
    return sendEs(res, mode.failRequests, wholeRequestFailure(mode.failRequests));
  }
  const decide = typeof mode === 'object' ? mode.failItems : undefined;
  const record = await handleBulk(state.store, url, urlIndex && decodeURIComponent(urlIndex), req, decide);
  state.bulks.push(record);
  sendEs(res, 200, record.response);
}

function wholeRequestFailure(status: 429 | 500 | 503): Record<string, unknown> {
  if (status === 429) {
    return errorBody(
      429,
      'es_rejected_execution_exception',
      'rejected execution of coordinating operation (fault mode)',
    );
  }
  if (status === 503) {
    return errorBody(
      503,
      'cluster_block_exception',
      'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];',
    );
  }
  return errorBody(500, 'exception', 'internal server error (fault mode)');
}
