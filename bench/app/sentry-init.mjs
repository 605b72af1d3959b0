// @sentry/node set up as its docs show for a server, loaded with `--import` before the service:
// the DSN (the bench's local sink) and a traces sample rate of 1 so every request is traced;
// everything else at its defaults.
import * as Sentry from '@sentry/node';

Sentry.init({ dsn: process.env.SENTRY_DSN, tracesSampleRate: 1 });
