/**
 * The order saga as a state machine: its states, the steps between them, and the pure decision
 * of what runs next. Persisted by `sagaStore.ts`; driven by `orderSaga.ts`.
 *
 * ```
 * started ─reserve_stock─▶ reserved ─charge_payment─▶ complete_order ─▶ completed
 *    │ (not enough stock)      └─ payment failed for good ─▶ release_stock ─▶ compensated
 *    └─▶ aborted (nothing was done, nothing to undo)
 * ```
 */

/** The saga's name, as the `saga` label and span attribute carry it. */
export const ORDER_SAGA = 'order_fulfilment';

/** Where one order's saga is. */
export type SagaState =
  | { readonly state: 'started' }
  | { readonly state: 'reserved' }
  | { readonly state: 'completed' }
  | { readonly state: 'compensated'; readonly reason: string }
  | { readonly state: 'aborted'; readonly reason: string };

/** The stored state names. */
export type SagaStateName = SagaState['state'];

/** The steps; `release_stock` is the compensation of `reserve_stock`. */
export type SagaStep = 'reserve_stock' | 'charge_payment' | 'complete_order' | 'release_stock';

/** The states a saga ends in. */
export const FINAL_STATES: readonly SagaStateName[] = ['completed', 'compensated', 'aborted'];

/** The states of a saga still under way: the ones that can get stuck. */
export const IN_FLIGHT_STATES: readonly SagaStateName[] = ['started', 'reserved'];

/** Reason written on an order whose stock could not be reserved. */
export const OUT_OF_STOCK_REASON = 'out_of_stock';

/** What the orchestrator runs next from `state`: a forward step, or nothing (the saga ended). */
export function nextStep(state: SagaState): 'reserve_stock' | 'charge_payment' | 'none' {
  switch (state.state) {
    case 'started':
      return 'reserve_stock';
    case 'reserved':
      return 'charge_payment';
    case 'completed':
    case 'compensated':
    case 'aborted':
      return 'none';
  }
}

/** Builds a state from its stored row. Throws on a name the schema does not allow. */
export function stateFromRow(row: { state: string; reason: string | null }): SagaState {
  switch (row.state) {
    case 'started':
    case 'reserved':
    case 'completed':
      return { state: row.state };
    case 'compensated':
    case 'aborted':
      return { state: row.state, reason: row.reason ?? '' };
    default:
      throw new Error(`Unknown saga state ${JSON.stringify(row.state)}`);
  }
}
