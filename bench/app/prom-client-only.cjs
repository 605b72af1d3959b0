// Reference point for the bench: what a user who hand-writes metrics with prom-client adds to
// an express service, and nothing else (no traces, no log shipping). Loaded with --require so
// the bench service's route code stays exactly as it is:
//   - prom-client's default metrics (process CPU, memory, event-loop lag, GC, handles, ...);
//   - one histogram, http_request_duration_seconds{method, route, status_code}, with
//     prom-client's default buckets, observed once per request when the response finishes,
//     `route` being the matched route template (`/users/:id`, never the raw path);
//   - GET /metrics on its own port (METRICS_PORT, like Faultline's metrics port), so the app's
//     routes are untouched.
// How the histogram gets into the app: express's exported factory is replaced in require.cache
// by one that calls it and then adds the timing middleware, so it runs first in every app the
// service creates. That is the only difference from writing `app.use(...)` by hand at the top
// of the app, and it costs nothing per request.
'use strict';

const http = require('node:http');
const client = require('prom-client');

client.collectDefaultMetrics();

const requestDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Duration of HTTP requests handled by express, by method, route template and status code.',
  labelNames: ['method', 'route', 'status_code'],
});

function timeRequest(req, res, next) {
  const stop = requestDuration.startTimer();
  res.once('finish', () => {
    stop({
      method: req.method,
      route: req.route ? req.route.path : 'unmatched',
      status_code: res.statusCode,
    });
  });
  next();
}

// The service requires 'express' from the same directory as this file, so both resolve to the
// same module and the service gets the wrapped factory from the cache.
const expressPath = require.resolve('express');
const express = require(expressPath);
function expressWithMetrics(...args) {
  const app = express(...args);
  app.use(timeRequest);
  return app;
}
Object.assign(expressWithMetrics, express);
require.cache[expressPath].exports = expressWithMetrics;

const metricsServer = http.createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  client.register.metrics().then(
    (body) => res.writeHead(200, { 'content-type': client.register.contentType }).end(body),
    (error) => res.writeHead(500).end(String(error)),
  );
});
metricsServer.listen(Number(process.env.METRICS_PORT ?? 9464), process.env.METRICS_HOST ?? '127.0.0.1');

// The service closes its own server on SIGTERM; this one must close too or the process stays up.
process.once('SIGTERM', () => {
  metricsServer.close();
  metricsServer.closeAllConnections();
});
