// The database shape of the bench service: express 5 + winston, whose route reads a row from
// the local MariaDB through a mysql2 pool and a key from the local Redis through ioredis, so
// every agent's database-client instrumentation is on the request path (two client calls per
// request). MYSQL_URL and REDIS_URL come from the bench; PORT and the IPC ready message as in
// express-app.cjs.
const express = require('express');
const Redis = require('ioredis');
const mysql = require('mysql2');
const winston = require('winston');

const logger = winston.createLogger({
  level: 'info',
  format: winston.format.json(),
  transports: [new winston.transports.Console()],
});
const pool = mysql.createPool({ uri: process.env.MYSQL_URL, connectionLimit: 10 }).promise();
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

const app = express();

app.get('/users/:id', async (req, res) => {
  logger.info('looking up user', { userId: req.params.id });
  const [rows] = await pool.query("SELECT ? AS id, 'Ada' AS name, 'pro' AS plan", [req.params.id]);
  const lastSeen = await redis.get(`bench:last-seen:${req.params.id}`);
  res.json({ ...rows[0], lastSeen });
});

// The one outgoing call: checks "one span per outgoing call" (not under load).
app.get('/users/:id/profile', async (req, res) => {
  logger.info('fetching profile', { userId: req.params.id });
  const downstream = await fetch(`http://127.0.0.1:${server.address().port}/users/${req.params.id}`);
  res.json({ profile: await downstream.json() });
});

let server;
// Both clients connect before the service says it is ready, so no measured request pays for it.
Promise.all([pool.query('SELECT 1'), redis.ping()]).then(() => {
  server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    if (process.send) process.send({ ready: true, port: server.address().port });
  });
});

process.on('SIGTERM', () => {
  server?.close();
  server?.closeAllConnections();
  void pool.end();
  redis.disconnect();
});
