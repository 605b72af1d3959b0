/**
 * Faultline's context manager, held to the SDK's `AsyncLocalStorageContextManager` as oracle:
 * binding an EventEmitter makes its listeners run in the bound context, whatever is active when
 * the event is emitted, and a bound listener can still be removed by the original function.
 */
import { EventEmitter } from 'node:events';
import { ROOT_CONTEXT, createContextKey, type Context, type ContextManager } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AsyncLocalContextManager } from '../src/tracing/AsyncLocalContextManager.ts';

const KEY = createContextKey('request');
const bound = ROOT_CONTEXT.setValue(KEY, 'bound');
const other = ROOT_CONTEXT.setValue(KEY, 'other');

/** What listeners saw, for one sequence of emitter calls. */
function scenario(manager: ContextManager): unknown[] {
  const seen: unknown[] = [];
  const emitter = manager.bind(bound, new EventEmitter());
  const record = (label: string) => (): void => void seen.push([label, manager.active().getValue(KEY)]);
  const removed = record('removed');
  emitter.on('data', record('on'));
  emitter.once('data', record('once'));
  emitter.prependListener('data', record('prepended'));
  emitter.addListener('data', removed);
  emitter.removeListener('data', removed);
  manager.with(other, () => emitter.emit('data'));
  emitter.emit('data');
  seen.push(['listeners left', emitter.listenerCount('data')]);
  emitter.removeAllListeners('data');
  seen.push(['after removeAll', emitter.listenerCount('data')]);
  // Binding again keeps the first context, as the SDK does.
  manager.bind(other as Context, emitter).on('late', record('rebound'));
  emitter.emit('late');
  return seen;
}

describe('binding an EventEmitter to a context', () => {
  it('runs its listeners in that context and lets the original listener be removed, as the SDK does', () => {
    const sdk = new AsyncLocalStorageContextManager().enable();
    const expected = scenario(sdk);
    sdk.disable();
    const ours = scenario(new AsyncLocalContextManager());
    expect(ours).toEqual(expected);
    expect(ours).toContainEqual(['on', 'bound']);
    expect(ours).not.toContainEqual(['removed', expect.anything()]);
  });
});
