/**
 * Per-queue counts RabbitMQ only exposes over HTTP: unacknowledged messages are not in AMQP's
 * `queue.declare-ok` (which has ready messages and consumers only). Two sources: the
 * rabbitmq_prometheus plugin's detailed endpoint (`rabbitmq_detailed_queue_messages_unacked`,
 * family `queue_coarse_metrics`) and the management plugin's HTTP API
 * (`messages_unacknowledged`). Both are refreshed by the broker on its statistics interval
 * (5 s by default), so they trail AMQP's real-time counts by up to that long.
 */

/** Where unacknowledged counts come from. */
export type UnackedSource =
  | { readonly kind: 'prometheus'; readonly url: string }
  | { readonly kind: 'management'; readonly url: string }
  | { readonly kind: 'none' };

/** The detailed-metrics family that carries per-queue ready/unacked/total counts. */
export const QUEUE_COARSE_FAMILY = 'queue_coarse_metrics';
/** The per-queue unacknowledged gauge of that family. */
export const UNACKED_METRIC = 'rabbitmq_detailed_queue_messages_unacked';

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

/**
 * Reads `metric` per queue of `vhost` from a Prometheus text exposition: queue name → value.
 */
export function parseQueueGauge(exposition: string, metric: string, vhost: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    const match = SAMPLE_LINE.exec(line);
    if (!match || match[1] !== metric) continue;
    const labels = new Map<string, string>();
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL))
      labels.set(name ?? '', unescapeLabel(value ?? ''));
    const queue = labels.get('queue');
    const value = Number(match[3]);
    if (queue !== undefined && labels.get('vhost') === vhost && Number.isFinite(value))
      values.set(queue, value);
  }
  return values;
}

/** A URL without its user info, and the Basic authorization header that user info stood for. */
function splitCredentials(url: string): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  if (parsed.username === '') return { url: parsed.toString(), headers: {} };
  const token = Buffer.from(
    `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`,
  ).toString('base64');
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), headers: { authorization: `Basic ${token}` } };
}

async function getText(url: string, timeoutMs: number): Promise<string> {
  const { url: plain, headers } = splitCredentials(url);
  const response = await fetch(plain, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (!response.ok) throw new Error(`GET ${plain} answered ${response.status}`);
  return body;
}

function joinPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * Unacknowledged messages of `queues` in `vhost` from `source`: queue name → count. A queue the
 * source does not know is absent from the result. Rejects when the source cannot be read.
 */
export async function fetchUnacked(
  source: UnackedSource,
  vhost: string,
  queues: readonly string[],
  timeoutMs: number,
): Promise<Map<string, number>> {
  if (source.kind === 'none') return new Map();
  if (source.kind === 'prometheus') {
    const text = await getText(
      joinPath(source.url, `/metrics/detailed?family=${QUEUE_COARSE_FAMILY}`),
      timeoutMs,
    );
    return parseQueueGauge(text, UNACKED_METRIC, vhost);
  }
  const counts = new Map<string, number>();
  for (const queue of queues) {
    const path = `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`;
    let body: string;
    try {
      body = await getText(joinPath(source.url, path), timeoutMs);
    } catch (error) {
      if (/answered 404$/.test((error as Error).message)) continue;
      throw error;
    }
    const unacked = (JSON.parse(body) as { messages_unacknowledged?: unknown }).messages_unacknowledged;
    if (typeof unacked === 'number') counts.set(queue, unacked);
  }
  return counts;
}
