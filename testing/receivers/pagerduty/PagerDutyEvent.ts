/** The shape of a PagerDuty Events API v2 alert event, as the receiver accepts it. */

/** The three alert event actions. */
export type PagerDutyEventAction = 'trigger' | 'acknowledge' | 'resolve';

/** PagerDuty's four severities. */
export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** The `payload` of a trigger (optional, and ignored by PagerDuty, on acknowledge/resolve). */
export interface PagerDutyPayload {
  summary: string;
  source: string;
  severity: PagerDutySeverity;
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: Record<string, unknown>;
}

/** A link shown on the incident. */
export interface PagerDutyLink {
  href: string;
  text?: string;
}

/** An image shown on the incident. */
export interface PagerDutyImage {
  src: string;
  href?: string;
  alt?: string;
}

/** A whole event body as posted to `/v2/enqueue`. */
export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyEventAction;
  dedup_key?: string;
  payload?: PagerDutyPayload;
  links?: PagerDutyLink[];
  images?: PagerDutyImage[];
  client?: string;
  client_url?: string;
}
