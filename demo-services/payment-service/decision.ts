/**
 * What to do with a message once its charge attempt ended: a pure function, tested without a
 * broker. The order stays `pending` while the breaker is open and the message comes back
 * later without using up a delivery; a provider still failing after `maxDeliveries` delayed
 * redeliveries fails the order and dead-letters the message.
 */
import type { ChargeResult } from './chargePolicy.ts';

/** The action on the order and the message. */
export type PaymentAction =
  | { kind: 'mark-paid'; chargeId: string }
  | { kind: 'mark-failed'; reason: string }
  | { kind: 'redeliver-later'; deliveries: number }
  | { kind: 'fail-and-dead-letter'; reason: string };

/** Reason written on orders whose provider never recovered within the delivery budget. */
export const EXHAUSTED_REASON = 'payment_provider_unavailable';

/** Decides from the charge result and how many delayed redeliveries the message already had. */
export function decidePayment(
  result: ChargeResult,
  deliveries: number,
  maxDeliveries: number,
): PaymentAction {
  switch (result.kind) {
    case 'charged':
      return { kind: 'mark-paid', chargeId: result.chargeId };
    case 'declined':
      return { kind: 'mark-failed', reason: result.reason };
    case 'breaker-open':
      return { kind: 'redeliver-later', deliveries };
    case 'unavailable':
      return deliveries + 1 >= maxDeliveries
        ? { kind: 'fail-and-dead-letter', reason: EXHAUSTED_REASON }
        : { kind: 'redeliver-later', deliveries: deliveries + 1 };
  }
}
