/** Post, redirect, get: a form post answers 303 to the page, which shows the post's notice once. */
import type { Response } from 'express';
import type { Notice, Notices } from '../notices.ts';

/** Answers 303 to `/` with `notice` to show there. */
export type RedirectWith = (res: Response, notice: Notice) => void;

/** The redirect of a console whose notices are `notices`. */
export function redirectWith(notices: Notices): RedirectWith {
  return (res, notice) => res.redirect(303, `/?notice=${notices.add(notice)}`);
}
