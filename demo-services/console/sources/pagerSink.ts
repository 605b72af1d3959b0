/**
 * The pages the pager actually accepted, read from the demo's PagerDuty sink (`GET /accepted`),
 * so the console shows deliveries (trigger, resolve, dedup key), not only what Alertmanager
 * meant to send.
 */

import { safeHttpUrl } from './alertmanager.ts';

/** The sink did not answer, or answered an error. */
export class PagerSinkQueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PagerSinkQueryError';
  }
}

/** One accepted event as the sink lists it (the fields the console reads). */
export interface AcceptedEvent {
  readonly receivedAt: string;
  readonly dedup_key: string;
  readonly event: {
    readonly event_action: string;
    /** Alertmanager sends the runbook and dashboard as links titled `Runbook` and `Dashboard`. */
    readonly links?: readonly { readonly href?: string; readonly text?: string }[];
    readonly payload?: {
      readonly summary?: string;
      readonly severity?: string;
      readonly component?: string;
      readonly class?: string;
      readonly custom_details?: Record<string, unknown>;
    };
  };
}

/** A page the pager accepted. */
export interface DeliveredPage {
  readonly receivedAt: string;
  readonly action: string;
  readonly dedupKey: string;
  /** The alert's name (`class`, else `custom_details.alertname`, else the trigger's with that key). */
  readonly alertname: string;
  readonly service: string;
  readonly severity: string;
  readonly summary: string;
  /** The runbook link the page carried (http(s) only), else its trigger's. */
  readonly runbookUrl?: string;
  /** The dashboard link the page carried (http(s) only), else its trigger's. */
  readonly dashboardUrl?: string;
}

function linkOf(event: AcceptedEvent | undefined, text: string): string | undefined {
  return safeHttpUrl(event?.event.links?.find((l) => l.text === text)?.href);
}

function alertnameOf(event: AcceptedEvent): string | undefined {
  const payload = event.event.payload;
  const detail = payload?.custom_details?.alertname;
  return payload?.class || (typeof detail === 'string' && detail !== '' ? detail : undefined);
}

function optionalLinks(runbookUrl: string | undefined, dashboardUrl: string | undefined) {
  return { ...(runbookUrl ? { runbookUrl } : {}), ...(dashboardUrl ? { dashboardUrl } : {}) };
}

/**
 * The accepted events as pages, newest first, at most `limit`. A resolve without a payload takes
 * its alert's name and service from the trigger with the same dedup key. Pure.
 */
export function toDeliveredPages(events: readonly AcceptedEvent[], limit = 20): DeliveredPage[] {
  const triggers = new Map<string, AcceptedEvent>();
  const pages = events.map((accepted) => {
    if (accepted.event.event_action === 'trigger') triggers.set(accepted.dedup_key, accepted);
    const trigger = triggers.get(accepted.dedup_key);
    const payload = accepted.event.payload ?? trigger?.event.payload;
    return {
      receivedAt: accepted.receivedAt,
      action: accepted.event.event_action,
      dedupKey: accepted.dedup_key,
      alertname: alertnameOf(accepted) ?? (trigger ? alertnameOf(trigger) : undefined) ?? '(unnamed)',
      service: payload?.component ?? '',
      severity: payload?.severity ?? '',
      summary: payload?.summary ?? '',
      ...optionalLinks(
        linkOf(accepted, 'Runbook') ?? linkOf(trigger, 'Runbook'),
        linkOf(accepted, 'Dashboard') ?? linkOf(trigger, 'Dashboard'),
      ),
    };
  });
  return pages.reverse().slice(0, limit);
}

/** Reads what one PagerDuty sink accepted. */
export class PagerSinkSource {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(options: { baseUrl: string; timeoutMs?: number }) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 1500;
  }

  /** Pages accepted so far, newest first. Rejects with PagerSinkQueryError when the sink does not answer. */
  async delivered(): Promise<DeliveredPage[]> {
    try {
      const response = await fetch(`${this.#baseUrl}/accepted`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { events?: AcceptedEvent[] };
      return toDeliveredPages(body.events ?? []);
    } catch (error) {
      throw new PagerSinkQueryError(`the pager sink at ${this.#baseUrl} did not list what it accepted`, {
        cause: error,
      });
    }
  }
}
