/** The order saga's pure parts: what runs next from each state, and the inventory's lock order. */
import { linesBySku } from '../saga/inventory.ts';
import { nextStep, stateFromRow, type SagaState } from '../saga/sagaState.ts';

test.each<[SagaState, ReturnType<typeof nextStep>]>([
  [{ state: 'started' }, 'reserve_stock'],
  [{ state: 'reserved' }, 'charge_payment'],
  [{ state: 'completed' }, 'none'],
  [{ state: 'compensated', reason: 'card_declined' }, 'none'],
  [{ state: 'aborted', reason: 'out_of_stock' }, 'none'],
])('from %j the orchestrator runs %s', (state, step) => {
  expect(nextStep(state)).toBe(step);
});

test('a stored row becomes its state, and an unknown state name is refused', () => {
  expect(stateFromRow({ state: 'compensated', reason: 'card_declined' })).toEqual({
    state: 'compensated',
    reason: 'card_declined',
  });
  expect(stateFromRow({ state: 'reserved', reason: null })).toEqual({ state: 'reserved' });
  expect(() => stateFromRow({ state: 'charging', reason: null })).toThrow('Unknown saga state "charging"');
});

test('order lines are summed per SKU and sorted, the order every stock lock is taken in', () => {
  expect(
    linesBySku([
      { sku: 'sku-mug', quantity: 2 },
      { sku: 'sku-beans', quantity: 1 },
      { sku: 'sku-mug', quantity: 3 },
    ]),
  ).toEqual([
    { sku: 'sku-beans', quantity: 1 },
    { sku: 'sku-mug', quantity: 5 },
  ]);
});
