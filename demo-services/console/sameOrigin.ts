/**
 * The console's defence against cross-site form posts, enough for a local demo: a state
 * changing request must come from a page of the console itself.
 */
import type { NextFunction, Request, Response } from 'express';

/** The request headers the check reads. */
export interface OriginHeaders {
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
  readonly host: string | undefined;
}

/**
 * True when the request comes from the console's own origin: its `Origin` names the `Host`
 * it was sent to or, without an `Origin`, the browser marks it `Sec-Fetch-Site: same-origin`.
 * A request with neither (not from a browser page) is refused. Pure.
 */
export function isSameOrigin(headers: OriginHeaders): boolean {
  if (headers.origin !== undefined && headers.origin !== 'null') {
    try {
      return headers.host !== undefined && new URL(headers.origin).host === headers.host;
    } catch {
      return false;
    }
  }
  return headers.secFetchSite === 'same-origin';
}

/** Express middleware answering 403 to a request that fails {@link isSameOrigin}. */
export function requireSameOrigin(req: Request, res: Response, next: NextFunction): void {
  const headers = {
    origin: req.get('origin'),
    secFetchSite: req.get('sec-fetch-site'),
    host: req.get('host'),
  };
  if (isSameOrigin(headers)) {
    next();
    return;
  }
  res
    .status(403)
    .type('text/plain')
    .send('Refused: this request did not come from a page of the console (Origin / Sec-Fetch-Site).');
}
