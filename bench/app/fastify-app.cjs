// The fastify shape of the bench service: fastify 5 with its pino logger at its defaults (a
// line when each request comes in and one when it completes), the same two routes as
// express-app.cjs (one with a path parameter, one making a single outgoing call). Told its port
// by PORT; says it is ready on the IPC channel.
const fastify = require('fastify');

const app = fastify({ logger: true });

app.get('/users/:id', async (request) => {
  return { id: request.params.id, name: 'Ada', plan: 'pro' };
});

// The one outgoing call: checks "one span per outgoing call" (not under load).
app.get('/users/:id/profile', async (request) => {
  const downstream = await fetch(`http://127.0.0.1:${app.server.address().port}/users/${request.params.id}`);
  return { profile: await downstream.json() };
});

app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(() => {
  if (process.send) process.send({ ready: true, port: app.server.address().port });
});

process.on('SIGTERM', () => {
  void app.close();
});
