/** A client of the demo's control channel (what `npm run chaos` sends), for the demo tests. */
import type { RunningDemo } from '../../demo/startDemo.ts';

/** An answer of the control channel. */
export interface ControlAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Sends `method path` to `demo`'s control channel. */
export async function control(
  demo: RunningDemo,
  method: 'GET' | 'POST',
  path: string,
): Promise<ControlAnswer> {
  const base = (demo.urls.control as string).replace(/\/status$/, '');
  const response = await fetch(`${base}${path}`, { method });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
