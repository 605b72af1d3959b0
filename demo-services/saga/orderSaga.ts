/**
 * The order saga's orchestrator, run by payment-service for every `orders.created` message
 * (RabbitMQ or Kafka alike): it reserves the order's stock, charges the payment, then either
 * completes the order (reservation committed) or, when the payment failed for good, compensates
 * by releasing the stock. Every step is idempotent: its transaction only runs from the state it
 * starts from (sagaStore.ts), and the charge reuses the order id as the provider's idempotency
 * key, so a crash or a redelivered message resumes the saga where its state says, and a
 * compensation runs once. The transport only hears what to do with the message.
 */
import type pg from 'pg';
import { paymentsCounter } from '../shared/demoMetrics.ts';
import type { Logger } from '../shared/logger.ts';
import type { ChargePolicy, ChargeResult } from '../payment-service/chargePolicy.ts';
import { decidePayment } from '../payment-service/decision.ts';
import { markFailed, markPaid } from '../payment-service/orderPayments.ts';
import type { ChargeRequest } from '../payment-service/providerClient.ts';
import { commitStock, releaseStock, reserveStock, type OrderLine } from './inventory.ts';
import { sagaEnded, sagaStarted } from './sagaMetrics.ts';
import { nextStep, OUT_OF_STOCK_REASON, type SagaState } from './sagaState.ts';
import { loadSaga, runStep, type StepResult } from './sagaStore.ts';
import { inStepSpan } from './stepSpan.ts';

/** What the transport does with the message once the saga has run as far as it can. */
export type SagaOutcome =
  | { readonly kind: 'finished' }
  /** The provider is unavailable: bring the message back later, counting `deliveries`. */
  | { readonly kind: 'retry-later'; readonly deliveries: number }
  | { readonly kind: 'dead-letter'; readonly reason: 'unknown_order' | 'retries_exhausted' };

/** Options of an {@link OrderSaga}. */
export interface OrderSagaOptions {
  readonly pool: pg.Pool;
  readonly policy: Pick<ChargePolicy, 'charge'>;
  readonly maxDeliveries: number;
  readonly log: Logger;
}

/** See the module comment. */
export class OrderSaga {
  readonly #options: OrderSagaOptions;

  constructor(options: OrderSagaOptions) {
    this.#options = options;
  }

  /**
   * Runs the saga of `request.orderId` from its stored state, `deliveries` being the delayed
   * redeliveries its message already had. Throws when PostgreSQL fails: the transport gives the
   * message back, and the next run resumes from the last committed step.
   */
  async run(request: ChargeRequest, deliveries: number): Promise<SagaOutcome> {
    const loaded = await loadSaga(this.#options.pool, request.orderId);
    if (loaded.kind === 'unknown-order') return { kind: 'dead-letter', reason: 'unknown_order' };
    if (loaded.kind === 'settled-without-saga') return { kind: 'finished' };
    const { saga } = loaded;
    if (saga.started) sagaStarted();
    let state: SagaState = saga.state;
    for (;;) {
      switch (nextStep(state)) {
        case 'none':
          return { kind: 'finished' };
        case 'reserve_stock': {
          const moved = await this.#reserve(request.orderId, saga.items);
          if (moved.kind === 'already-moved') return { kind: 'finished' }; // the other instance goes on
          state = moved.to;
          break;
        }
        case 'charge_payment':
          return this.#chargeAndSettle(request, deliveries);
      }
    }
  }

  async #reserve(orderId: string, items: readonly OrderLine[]): Promise<StepResult> {
    const moved = await inStepSpan(
      'reserve_stock',
      orderId,
      () =>
        runStep(this.#options.pool, orderId, 'started', 'reserve_stock', async (client) => {
          await client.query('SAVEPOINT reserve');
          const reserved = await reserveStock(client, orderId, items);
          if (reserved.kind === 'reserved') return { state: 'reserved' };
          await client.query('ROLLBACK TO SAVEPOINT reserve');
          await markFailed(client, orderId, OUT_OF_STOCK_REASON);
          return { state: 'aborted', reason: OUT_OF_STOCK_REASON };
        }),
      stepOutcome,
    );
    if (moved.kind === 'moved' && moved.to.state === 'aborted') {
      sagaEnded('aborted');
      paymentsCounter().inc({ outcome: 'failed', reason: OUT_OF_STOCK_REASON });
      this.#options.log.info('order aborted: not enough stock', { orderId });
    }
    return moved;
  }

  async #chargeAndSettle(request: ChargeRequest, deliveries: number): Promise<SagaOutcome> {
    const result = await inStepSpan(
      'charge_payment',
      request.orderId,
      () => this.#options.policy.charge(request),
      (r: ChargeResult) => r.kind,
    );
    const action = decidePayment(result, deliveries, this.#options.maxDeliveries);
    switch (action.kind) {
      case 'mark-paid':
        await this.#complete(request.orderId, action.chargeId);
        return { kind: 'finished' };
      case 'mark-failed':
        await this.#compensate(request.orderId, action.reason);
        return { kind: 'finished' };
      case 'redeliver-later':
        return { kind: 'retry-later', deliveries: action.deliveries };
      case 'fail-and-dead-letter':
        await this.#compensate(request.orderId, action.reason);
        return { kind: 'dead-letter', reason: 'retries_exhausted' };
    }
  }

  async #complete(orderId: string, chargeId: string): Promise<void> {
    const moved = await inStepSpan(
      'complete_order',
      orderId,
      () =>
        runStep(this.#options.pool, orderId, 'reserved', 'complete_order', async (client) => {
          await markPaid(client, orderId, chargeId);
          await commitStock(client, orderId);
          return { state: 'completed' };
        }),
      stepOutcome,
    );
    if (moved.kind !== 'moved') return;
    sagaEnded('completed');
    paymentsCounter().inc({ outcome: 'paid', reason: '' });
    this.#options.log.info('order paid', { orderId, chargeId });
  }

  /** The compensation of `reserve_stock`, with the order failed for `reason`. */
  async #compensate(orderId: string, reason: string): Promise<void> {
    const moved = await inStepSpan(
      'release_stock',
      orderId,
      () =>
        runStep(this.#options.pool, orderId, 'reserved', 'release_stock', async (client) => {
          await releaseStock(client, orderId);
          await markFailed(client, orderId, reason);
          return { state: 'compensated', reason };
        }),
      stepOutcome,
    );
    if (moved.kind !== 'moved') return;
    sagaEnded('compensated');
    paymentsCounter().inc({ outcome: 'failed', reason });
    this.#options.log.info('order payment failed; stock released', { orderId, reason });
  }
}

function stepOutcome(result: StepResult): string {
  return result.kind === 'moved' ? result.to.state : 'already_moved';
}
