// The conformance scenario app: the same code runs under the official OpenTelemetry SDK and under
// Faultline (each preloaded with --require), and the spans both export are compared.
const { EventEmitter } = require('node:events');
const http = require('node:http');
const { ROOT_CONTEXT, SpanStatusCode, context, trace } = require('@opentelemetry/api');
const express = require('express');

const tracer = trace.getTracer('conformance', '1.0.0');
const app = express();
const port = Number(process.env.PORT);

app.get('/items/:id', (req, res) => res.json({ id: req.params.id }));
app.get('/fail', () => {
  throw new Error('handler failed');
});
app.get('/not-found', (req, res) => res.status(404).json({ error: 'no such thing' }));
app.get('/unavailable', (req, res) => res.status(503).end());
app.get('/search', (req, res) => res.json({ q: req.query.q }));
app.all('/any', (req, res) => res.status(204).end());

app.get('/outgoing', async (req, res) => {
  await fetch(`http://127.0.0.1:${port}/items/by-fetch?via=fetch`);
  await new Promise((resolve, reject) =>
    http
      .get(`http://127.0.0.1:${port}/items/by-http?sig=secret`, (response) =>
        response.resume().on('end', resolve),
      )
      .on('error', reject),
  );
  // A port nothing listens on: both clients fail to connect.
  const closed = `http://127.0.0.1:${process.env.CLOSED_PORT}`;
  await fetch(`${closed}/refused-fetch`).catch(() => undefined);
  await new Promise((resolve) => http.get(`${closed}/refused-http`, resolve).on('error', resolve));
  res.json({ ok: true });
});

const REMOTE = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true };

app.get('/manual', async (req, res) => {
  await tracer.startActiveSpan(
    'manual.parent',
    {
      attributes: {
        'attr.string': 'text',
        'attr.empty': '',
        'attr.int': 42,
        'attr.negative': -7,
        'attr.double': 1.5,
        'attr.bool': true,
        'attr.strings': ['a', 'b'],
        'attr.ints': [1, 2],
        'attr.doubles': [1.5, 2.5],
        'attr.bools': [true, false],
      },
      links: [{ context: REMOTE, attributes: { 'link.kind': 'follows' } }],
    },
    async (parent) => {
      parent.addEvent('event.plain');
      parent.addEvent('event.attributes', { 'event.n': 1, 'event.s': 'x' });
      parent.recordException(new TypeError('manual failure'));
      parent.setStatus({ code: SpanStatusCode.ERROR, message: 'manual status' });
      await Promise.all(
        [1, 2].map((i) =>
          tracer.startActiveSpan(`manual.concurrent.${i}`, async (span) => {
            await new Promise((resolve) => setImmediate(resolve));
            tracer.startSpan(`manual.nested.${i}`).end();
            span.setStatus({ code: SpanStatusCode.OK });
            span.end();
          }),
        ),
      );
      const emitter = context.bind(context.active(), new EventEmitter());
      context.with(ROOT_CONTEXT, () => emitter.on('tick', () => tracer.startSpan('manual.emitter').end()));
      context.with(ROOT_CONTEXT, () => emitter.emit('tick'));
      await new Promise((resolve) =>
        setTimeout(() => {
          tracer.startSpan('manual.timer').end();
          resolve();
        }, 1),
      );
      tracer.startSpan('manual.remote-child', {}, trace.setSpanContext(ROOT_CONTEXT, REMOTE)).end();
      parent.end();
    },
  );
  res.json({ ok: true });
});

// Spans under remote parents with fixed trace ids: with the traceidratio sampler, which of them
// are kept depends on the trace id alone.
app.get('/sampling', (req, res) => {
  for (let i = 0; i < 64; i++) {
    const word = (k) => Math.imul(i + 1, [0x9e3779b1, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f][k]) >>> 0;
    const traceId = [0, 1, 2, 3].map((k) => word(k).toString(16).padStart(8, '0')).join('');
    const parent = trace.setSpanContext(ROOT_CONTEXT, { ...REMOTE, traceId });
    tracer.startSpan(`sample.${traceId}`, {}, parent).end();
  }
  res.json({ ok: true });
});

app.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
