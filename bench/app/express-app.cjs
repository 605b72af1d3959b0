// The bench service: a small express 5 app written without any instrumentation in mind.
// One route with a path parameter, one winston log line per request, JSON out. It is told its
// port by the bench (PORT) and says it is ready on the IPC channel, so stdout stays a plain log.
const express = require('express');
const winston = require('winston');

const logger = winston.createLogger({
  level: 'info',
  format: winston.format.json(),
  transports: [new winston.transports.Console()],
});

const app = express();

app.get('/users/:id', (req, res) => {
  logger.info('looking up user', { userId: req.params.id });
  res.json({ id: req.params.id, name: 'Ada', plan: 'pro' });
});

// The one outgoing call: checks "one span per outgoing call" (not under load).
app.get('/users/:id/profile', async (req, res) => {
  logger.info('fetching profile', { userId: req.params.id });
  const downstream = await fetch(`http://127.0.0.1:${server.address().port}/users/${req.params.id}`);
  res.json({ profile: await downstream.json() });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  if (process.send) process.send({ ready: true, port: server.address().port });
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
