/**
 * `POST /faults` (fields `action`, `kind`, `rate`, `service`, `confirmed`): a fault action from
 * the page's own origin. Unconfirmed, it answers the confirmation page; confirmed, it applies
 * the action through the chaos control and goes back to the page. Without a chaos control (not
 * demo mode) every post is refused.
 */
import { Router } from 'express';
import { describeError } from '../errors.ts';
import type { FaultTimeline } from '../faultTimeline.ts';
import { parseFaultForm, type ChaosControl, type FaultAction } from '../faults.ts';
import { faultForm } from '../model.ts';
import { requireSameOrigin } from '../sameOrigin.ts';
import type { Views } from '../views.ts';
import type { RedirectWith } from './redirect.ts';

async function apply(chaos: ChaosControl, action: FaultAction, timeline: FaultTimeline): Promise<void> {
  try {
    if (action.action === 'reset') await chaos.reset();
    else if (action.action === 'inject') await chaos.inject(action.fault);
    else await chaos.clear(action.fault);
  } finally {
    // The charts mark the fault from the moment it was applied, not from the next page poll.
    await chaos.active().then(
      (active) => timeline.observe(active),
      () => undefined,
    );
  }
}

/** The fault routes; `chaos` undefined turns fault controls off. */
export function faultRoutes(
  chaos: ChaosControl | undefined,
  views: Views,
  redirect: RedirectWith,
  timeline: FaultTimeline,
): Router {
  const router = Router();
  router.post('/faults', requireSameOrigin, async (req, res) => {
    if (!chaos) {
      res
        .status(403)
        .type('text/plain')
        .send('Fault controls are off: the console is not running in demo mode.');
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = parseFaultForm(body, chaos.killableServices);
    if (!parsed.ok) {
      redirect(res, { kind: 'error', text: `Invalid fault request: ${parsed.message}` });
      return;
    }
    const { question, fields } = faultForm(parsed.value, 'Confirm');
    if (body.confirmed !== 'yes') {
      res.type('html').send(views.confirm(question, fields));
      return;
    }
    try {
      await apply(chaos, parsed.value, timeline);
      redirect(res, { kind: 'ok', text: `Done: ${question.replace(/\?$/, '')}.` });
    } catch (error) {
      redirect(res, { kind: 'error', text: `The fault could not be applied: ${describeError(error)}` });
    }
  });
  return router;
}
