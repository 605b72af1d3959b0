/**
 * The alerts firing right now, from Alertmanager's v2 API, and which of them would have paged:
 * a critical alert routed to the paging receiver, neither silenced nor inhibited.
 */

/** Alertmanager did not answer, or answered an error. */
export class AlertmanagerQueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlertmanagerQueryError';
  }
}

/** One alert as `GET /api/v2/alerts` returns it (the fields the console reads). */
export interface ApiAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  receivers?: { name: string }[];
  startsAt?: string;
  fingerprint?: string;
  status?: { state?: string };
}

/** A firing alert, ready to show. */
export interface FiringAlert {
  readonly fingerprint: string;
  readonly name: string;
  readonly severity: string;
  readonly service: string;
  /** The instance label, when the alert is about one scrape target. */
  readonly instance: string;
  readonly summary: string;
  readonly description: string;
  readonly startsAt: string;
  readonly receivers: readonly string[];
  /** Critical and routed to the paging receiver: someone would have been woken up. */
  readonly paged: boolean;
  /** The alert's runbook_url when it is an http(s) URL, else `<runbookBase>/<name>.md`. */
  readonly runbookUrl: string;
  /** The alert's dashboard_url when it is an http(s) URL. */
  readonly dashboardUrl: string | undefined;
}

/** `url` when it is an absolute http(s) URL, so a link can never run script. Pure. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** Turns one API alert into what the page shows. Pure. */
export function toFiringAlert(alert: ApiAlert, pagingReceiver: string, runbookBaseUrl: string): FiringAlert {
  const name = alert.labels.alertname ?? '(unnamed)';
  const severity = alert.labels.severity ?? 'none';
  const receivers = (alert.receivers ?? []).map((r) => r.name);
  const annotations = alert.annotations ?? {};
  return {
    fingerprint: alert.fingerprint ?? '',
    name,
    severity,
    service: alert.labels.service ?? '',
    instance: alert.labels.instance ?? '',
    summary: annotations.summary ?? '',
    description: annotations.description ?? '',
    startsAt: alert.startsAt ?? '',
    receivers,
    paged: severity === 'critical' && receivers.includes(pagingReceiver),
    runbookUrl: safeHttpUrl(annotations.runbook_url) ?? `${runbookBaseUrl}/${encodeURIComponent(name)}.md`,
    dashboardUrl: safeHttpUrl(annotations.dashboard_url),
  };
}

/** Reads active alerts from one Alertmanager. */
export class AlertmanagerSource {
  readonly #baseUrl: string;
  readonly #pagingReceiver: string;
  readonly #runbookBaseUrl: string;
  readonly #timeoutMs: number;

  constructor(options: {
    baseUrl: string;
    pagingReceiver: string;
    runbookBaseUrl: string;
    timeoutMs?: number;
  }) {
    this.#baseUrl = options.baseUrl;
    this.#pagingReceiver = options.pagingReceiver;
    this.#runbookBaseUrl = options.runbookBaseUrl;
    this.#timeoutMs = options.timeoutMs ?? 1500;
  }

  /**
   * The alerts firing now that are neither silenced nor inhibited, critical first, then the
   * oldest first. Rejects with AlertmanagerQueryError when Alertmanager does not answer.
   */
  async firing(): Promise<FiringAlert[]> {
    const url = `${this.#baseUrl}/api/v2/alerts?active=true&silenced=false&inhibited=false`;
    let alerts: ApiAlert[];
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      alerts = (await response.json()) as ApiAlert[];
    } catch (error) {
      throw new AlertmanagerQueryError(`Alertmanager at ${this.#baseUrl} did not list its alerts`, {
        cause: error,
      });
    }
    return alerts
      .map((a) => toFiringAlert(a, this.#pagingReceiver, this.#runbookBaseUrl))
      .sort(
        (a, b) =>
          Number(b.severity === 'critical') - Number(a.severity === 'critical') ||
          a.startsAt.localeCompare(b.startsAt),
      );
  }
}
