/**
 * Replaces a method on one object (not on its class), for instrumentation that must observe a
 * single instance the app handed over. The returned undo restores exactly what was there before —
 * the instance's own method, or none so the prototype's shows through again — and does nothing
 * if something else has replaced the method since.
 */
export function wrapInstanceMethod<T extends object, K extends keyof T>(
  target: T,
  name: K,
  wrap: (original: T[K]) => T[K],
): () => void {
  const ownBefore = Object.prototype.hasOwnProperty.call(target, name);
  const original = target[name];
  const wrapper = wrap(original);
  target[name] = wrapper;
  return () => {
    if (target[name] !== wrapper) return;
    if (ownBefore) target[name] = original;
    else delete target[name];
  };
}
