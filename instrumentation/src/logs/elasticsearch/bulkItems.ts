/**
 * Reads a bulk response item by item. Accepted: 2xx, and 409 on our `create` (the document
 * with that id is already stored: an earlier attempt reached Elasticsearch even though its
 * answer was lost). Retry: 429 and 5xx (the cluster is busy or a shard is unavailable).
 * Rejected: any other 4xx, typically a mapping conflict that no retry can fix.
 */

/** A record Elasticsearch refused for good, with the reason it gave. */
export interface RejectedItem {
  /** Position in the request. */
  readonly position: number;
  readonly status: number;
  readonly type: string;
  readonly reason: string;
}

/** The fate of every item of one bulk request, by position in the request. */
export interface ItemVerdicts {
  readonly accepted: number[];
  readonly retry: number[];
  readonly rejected: RejectedItem[];
}

/** The response did not say what happened to each item; the request counts as failed. */
export interface MalformedResponse {
  readonly malformed: string;
}

interface ItemBody {
  status?: unknown;
  error?: { type?: unknown; reason?: unknown };
}

/** Judges the `items` of a bulk response to a request of `sent` operations. */
export function judgeBulkItems(response: unknown, sent: number): ItemVerdicts | MalformedResponse {
  const items = (response as { items?: unknown } | null)?.items;
  if (!Array.isArray(items) || items.length !== sent) {
    return {
      malformed: `bulk response has ${Array.isArray(items) ? items.length : 'no'} items for ${sent} operations`,
    };
  }
  const verdicts: ItemVerdicts = { accepted: [], retry: [], rejected: [] };
  items.forEach((item: unknown, position) => {
    const body = (item !== null && typeof item === 'object' ? Object.values(item)[0] : undefined) as
      ItemBody | undefined;
    const status = typeof body?.status === 'number' ? body.status : 0;
    if ((status >= 200 && status < 300) || status === 409) verdicts.accepted.push(position);
    else if (status === 429 || status >= 500) verdicts.retry.push(position);
    else {
      verdicts.rejected.push({
        position,
        status,
        type: typeof body?.error?.type === 'string' ? body.error.type : 'unknown',
        reason: typeof body?.error?.reason === 'string' ? body.error.reason : 'no reason given',
      });
    }
  });
  return verdicts;
}
