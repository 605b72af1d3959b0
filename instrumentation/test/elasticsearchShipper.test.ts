// The shipper loads the Elasticsearch client on first construction; loading it with the test file
// keeps that one-off cost (hundreds of modules under jest) out of the first test's deadline.
import '@elastic/elasticsearch';
import type { ElasticsearchEnabled, ServiceIdentity } from '../src/config/types.ts';
import { ElasticsearchShipper } from '../src/logs/ElasticsearchShipper.ts';
import { SelfLogger } from '../src/logs/SelfLogger.ts';
import { backoffDelay } from '../src/logs/elasticsearch/backoff.ts';
import { judgeBulkItems } from '../src/logs/elasticsearch/bulkItems.ts';
import { classifyRequestFailure } from '../src/logs/elasticsearch/requestFailure.ts';
import { MetricsRegistry } from '../src/metrics/MetricsRegistry.ts';
import { metrics as catalogue } from '../src/catalogue/index.ts';
import {
  startElasticsearchBulkReceiver,
  type ElasticsearchBulkReceiver,
} from '../../testing/receivers/elasticsearchBulkReceiver.ts';
import {
  documentParsingFailure,
  rejectedExecution,
} from '../../testing/receivers/elasticsearch/itemFaults.ts';

const service: ServiceIdentity = {
  name: 'shipper-test',
  version: '1.0.0',
  instanceId: 'instance-1',
  namespace: undefined,
  environment: undefined,
  attributes: {},
};

const INDEX = 'logs-faultline-test';

interface Harness {
  shipper: ElasticsearchShipper;
  metrics: MetricsRegistry;
  selfLog: Record<string, unknown>[];
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let receiver: ElasticsearchBulkReceiver;
let harnesses: Harness[] = [];

beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

beforeEach(async () => {
  receiver = await startElasticsearchBulkReceiver();
});

afterEach(async () => {
  await Promise.all(harnesses.map((h) => h.shipper.shutdown(500)));
  harnesses = [];
  await receiver.close();
  expect(unhandled).toEqual([]);
});

function createShipper(overrides: Partial<ElasticsearchEnabled> = {}, requestTimeoutMs = 2000): Harness {
  const config: ElasticsearchEnabled = {
    enabled: true,
    url: receiver.url,
    index: INDEX,
    apiKey: undefined,
    bufferSize: 1000,
    batchSize: 20,
    flushIntervalMs: 20,
    maxRetries: 2,
    ...overrides,
  };
  const metrics = new MetricsRegistry({ service: service.name, defaultMetrics: false });
  const selfLog: Record<string, unknown>[] = [];
  const log = new SelfLogger(service, (line) => selfLog.push(JSON.parse(line) as Record<string, unknown>));
  const shipper = new ElasticsearchShipper(config, {
    metrics,
    log,
    requestTimeoutMs,
    backoff: { initialDelayMs: 5, maxDelayMs: 50 },
  });
  const harness = { shipper, metrics, selfLog };
  harnesses.push(harness);
  return harness;
}

async function metricValue(
  metrics: MetricsRegistry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value));
  return match?.value ?? 0;
}

const logs = { signal: 'logs' };
const exportedTotal = (h: Harness) => metricValue(h.metrics, catalogue.telemetryExported.name, logs);
const droppedTotal = (h: Harness, reason: string) =>
  metricValue(h.metrics, catalogue.telemetryDropped.name, { ...logs, reason });
const failuresTotal = (h: Harness) => metricValue(h.metrics, catalogue.telemetryExportFailures.name, logs);
const queueSize = (h: Harness) => metricValue(h.metrics, catalogue.telemetryQueueSize.name, logs);

const record = (n: number) => ({ '@timestamp': new Date(0).toISOString(), message: `line ${n}`, n });
const storedNumbers = () =>
  receiver
    .documents(INDEX)
    .map((doc) => doc.source.n as number)
    .sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function waitForMetric(read: () => Promise<number>, atLeast: number, what: string): Promise<void> {
  let last = 0;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    last = await read();
    if (last >= atLeast) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${what}: expected at least ${atLeast}, last seen ${last}`);
}

describe('ElasticsearchShipper', () => {
  test('ships records as create actions into the configured index and counts them as exported', async () => {
    const h = createShipper({ batchSize: 5 });
    for (const n of range(0, 12)) h.shipper.enqueue(record(n));

    await expect(h.shipper.flush(5000)).resolves.toBe(true);

    expect(storedNumbers()).toEqual(range(0, 12));
    const operations = receiver.bulkRequests().flatMap((bulk) => bulk.operations);
    expect(new Set(operations.map((op) => op.action))).toEqual(new Set(['create']));
    expect(receiver.bulkRequests().every((bulk) => bulk.path === `/${INDEX}/_bulk`)).toBe(true);
    expect(receiver.bulkRequests().every((bulk) => bulk.operations.length <= 5)).toBe(true);
    expect(await exportedTotal(h)).toBe(12);
    expect(await queueSize(h)).toBe(0);
    expect(await metricValue(h.metrics, catalogue.telemetryQueueCapacity.name, logs)).toBe(1000);
    expect(receiver.rejections()).toEqual([]);
  });

  test('sends a partial batch after the flush interval without being asked', async () => {
    createShipper({ batchSize: 100, flushIntervalMs: 30 }).shipper.enqueue(record(1));
    await receiver.waitForDocument((doc) => doc.source.n === 1);
  });

  test('every record enqueued while the buffer has room arrives exactly once across a 429 phase and a down phase', async () => {
    const h = createShipper({ batchSize: 10 });
    for (const n of range(0, 30)) h.shipper.enqueue(record(n));
    await receiver.waitForDocuments((docs) => docs.length === 30);

    // 429 phase: whole requests refused, then single items throttled.
    await receiver.setMode({ failRequests: 429 });
    const attemptsBefore = receiver.bulkRequestCount();
    for (const n of range(30, 60)) h.shipper.enqueue(record(n));
    await receiver.waitForBulkRequestCount(attemptsBefore + 3);
    await receiver.setMode({
      failItems: (op) => ((op.source?.n as number) % 2 === 0 ? rejectedExecution() : undefined),
    });
    // Only the batch in flight moves (its odd half); the others wait behind it, as back-pressure.
    await waitForMetric(() => exportedTotal(h), 35, 'odd records of the batch in flight exported');
    expect(await exportedTotal(h)).toBe(35);
    await receiver.setMode('ok');
    await receiver.waitForDocuments((docs) => docs.length === 60);

    // Down phase: connection refused, records keep arriving, then the node comes back on its port.
    await receiver.setMode('down');
    const failuresBefore = await failuresTotal(h);
    for (const n of range(60, 90)) h.shipper.enqueue(record(n));
    await waitForMetric(() => failuresTotal(h), failuresBefore + 5, 'failed requests while down');
    expect(h.shipper.health.state).toBe('unavailable');
    await receiver.setMode('ok');

    await expect(h.shipper.flush(10_000)).resolves.toBe(true);
    expect(storedNumbers()).toEqual(range(0, 90));
    expect(await exportedTotal(h)).toBe(90);
    for (const reason of ['queue_full', 'export_failed', 'rejected', 'shutdown']) {
      expect(await droppedTotal(h, reason)).toBe(0);
    }
    expect(h.shipper.health.state).toBe('available');
  });

  test('counts overflow exactly: enqueueing N > capacity while down drops N - capacity, and the buffer never exceeds capacity', async () => {
    await receiver.setMode('down');
    const h = createShipper({ bufferSize: 10, batchSize: 4 });
    const sizes: number[] = [];
    for (const n of range(0, 25)) {
      h.shipper.enqueue(record(n));
      sizes.push(h.shipper.pending);
      await new Promise((resolve) => setImmediate(resolve)); // let a batch go in flight between records
    }

    expect(Math.max(...sizes)).toBe(10);
    expect(await droppedTotal(h, 'queue_full')).toBe(15);
    expect(await queueSize(h)).toBe(10);

    await receiver.setMode('ok');
    await expect(h.shipper.flush(10_000)).resolves.toBe(true);
    expect(storedNumbers()).toEqual(range(0, 10));
    expect(await exportedTotal(h)).toBe(10);
  });

  test('counts per-item 400 mapping errors as rejected without retrying them, and reports each error type once', async () => {
    await receiver.setMode({
      failItems: (op) => ((op.source?.n as number) % 3 === 0 ? documentParsingFailure('n') : undefined),
    });
    const h = createShipper({ batchSize: 9 });
    for (const n of range(0, 9)) h.shipper.enqueue(record(n));
    await expect(h.shipper.flush(5000)).resolves.toBe(true);
    for (const n of range(9, 18)) h.shipper.enqueue(record(n));
    await expect(h.shipper.flush(5000)).resolves.toBe(true);

    expect(storedNumbers()).toEqual(range(0, 18).filter((n) => n % 3 !== 0));
    expect(await droppedTotal(h, 'rejected')).toBe(6);
    expect(await exportedTotal(h)).toBe(12);
    expect(receiver.bulkRequestCount()).toBe(2);
    const warnings = h.selfLog.filter((line) => line['event.action'] === 'log_shipping.record_rejected');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ 'log.level': 'warn', 'error.type': 'document_parsing_exception' });
  });

  test('drops a batch the backend keeps refusing with a non-retryable error after maxRetries, counting export_failed', async () => {
    const h = createShipper({ index: 'Not-Lowercase', maxRetries: 2, batchSize: 5 });
    for (const n of range(0, 5)) h.shipper.enqueue(record(n));

    await expect(h.shipper.flush(5000)).resolves.toBe(true);

    expect(receiver.bulkRequestCount()).toBe(3); // the attempt and two retries
    expect(await failuresTotal(h)).toBe(3);
    expect(await droppedTotal(h, 'export_failed')).toBe(5);
    expect(h.shipper.health.state).toBe('refusing');
    expect(h.selfLog.filter((line) => line['event.action'] === 'log_shipping.refusing')).toHaveLength(1);
  });

  test('logs one warning when the backend becomes unreachable and one line when it recovers, not one per batch', async () => {
    await receiver.setMode('down');
    const h = createShipper({ batchSize: 2, maxRetries: 1 });
    for (const n of range(0, 10)) h.shipper.enqueue(record(n));
    await waitForMetric(() => failuresTotal(h), 20, 'failed requests while down');

    const actions = () => h.selfLog.map((line) => line['event.action']);
    expect(actions()).toEqual(['log_shipping.unavailable']);
    expect(h.selfLog[0]).toMatchObject({ 'log.level': 'warn' });
    expect(String(h.selfLog[0]?.['error.message'])).toMatch(/ConnectionError/);

    await receiver.setMode('ok');
    await expect(h.shipper.flush(10_000)).resolves.toBe(true);
    expect(actions()).toEqual(['log_shipping.unavailable', 'log_shipping.recovered']);
    expect(storedNumbers()).toEqual(range(0, 10));
  });

  test('feeding its own warnings back into itself neither loops nor loses them', async () => {
    await receiver.setMode('down');
    const h = createShipper({ batchSize: 2, maxRetries: 0 });
    const log = new SelfLogger(service, () => undefined);
    log.attachSink(h.shipper);
    const shipper = new ElasticsearchShipper(
      {
        enabled: true,
        url: receiver.url,
        index: INDEX,
        apiKey: undefined,
        bufferSize: 50,
        batchSize: 2,
        flushIntervalMs: 20,
        maxRetries: 0,
      },
      { metrics: h.metrics, log, backoff: { initialDelayMs: 5, maxDelayMs: 20 } },
    );
    log.attachSink(shipper);
    harnesses.push({ shipper, metrics: h.metrics, selfLog: [] });
    shipper.enqueue(record(1));
    await waitForMetric(() => failuresTotal(h), 30, 'failed requests while down');
    expect(shipper.pending).toBe(2); // the record and the one warning about the outage

    await receiver.setMode('ok');
    await expect(shipper.flush(10_000)).resolves.toBe(true);
    const actions = receiver.documents(INDEX).map((doc) => doc.source['event.action'] ?? doc.source.n);
    expect(actions).toEqual([1, 'log_shipping.unavailable', 'log_shipping.recovered']);
  });

  test('enqueue never throws and returns at once while the backend hangs, and the buffer stays bounded', async () => {
    await receiver.setMode('hang');
    const h = createShipper({ bufferSize: 500, batchSize: 50 }, 60_000);
    const started = performance.now();
    let slowest = 0;
    for (const n of range(0, 20_000)) {
      const before = performance.now();
      h.shipper.enqueue(record(n));
      slowest = Math.max(slowest, performance.now() - before);
      if (n % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const elapsed = performance.now() - started;

    expect(() => h.shipper.enqueue({ cyclic: globalThis })).not.toThrow();
    expect(h.shipper.pending).toBe(500);
    expect(await droppedTotal(h, 'queue_full')).toBe(20_001 - 500);
    expect(elapsed).toBeLessThan(2000);
    expect(slowest).toBeLessThan(250); // a call that waited on the hung request would take its 60 s timeout
    await receiver.waitForBulkRequestCount(1);
  });

  test('shutdown is bounded while a request hangs, counts what is left, and refuses later records', async () => {
    await receiver.setMode('hang');
    const h = createShipper({ batchSize: 10 }, 60_000);
    for (const n of range(0, 25)) h.shipper.enqueue(record(n));
    await receiver.waitForBulkRequestCount(1);

    const started = performance.now();
    await h.shipper.shutdown(300);
    const took = performance.now() - started;

    expect(took).toBeLessThan(1500);
    expect(await droppedTotal(h, 'shutdown')).toBe(25);
    expect(await queueSize(h)).toBe(0);
    expect(await metricValue(h.metrics, catalogue.telemetryQueueCapacity.name, logs)).toBe(0);
    h.shipper.enqueue(record(99));
    expect(await droppedTotal(h, 'shutdown')).toBe(26);
    await expect(h.shipper.shutdown(300)).resolves.toBeUndefined();
  });

  test('shutdown sends what is buffered when the backend is up', async () => {
    const h = createShipper({ batchSize: 100, flushIntervalMs: 60_000 });
    for (const n of range(0, 7)) h.shipper.enqueue(record(n));
    await h.shipper.shutdown(5000);
    expect(storedNumbers()).toEqual(range(0, 7));
    expect(await droppedTotal(h, 'shutdown')).toBe(0);
  });

  test("keeps each record's _id across retries, so a retry of a stored record cannot store it twice", async () => {
    // A retried create with the same _id is answered 409 (already stored), which counts as accepted.
    const seen = new Set<string>();
    await receiver.setMode({
      failItems: (op) => {
        const first = !seen.has(String(op.id));
        seen.add(String(op.id));
        return first ? rejectedExecution() : undefined;
      },
    });
    const h = createShipper({ batchSize: 5 });
    for (const n of range(0, 5)) h.shipper.enqueue(record(n));
    await expect(h.shipper.flush(10_000)).resolves.toBe(true);

    const [first, retry] = receiver.bulkRequests().map((bulk) => bulk.operations.map((op) => op.id));
    expect(first).toHaveLength(5);
    expect(new Set(first).size).toBe(5);
    expect(retry).toEqual(first);
    expect(storedNumbers()).toEqual(range(0, 5));
    expect(await exportedTotal(h)).toBe(5);
  });
});

describe('shipper decisions', () => {
  test.each([
    [{ name: 'ConnectionError', message: 'connect ECONNREFUSED' }, true],
    [{ name: 'TimeoutError', message: 'Request timed out' }, true],
    [{ name: 'NoLivingConnectionsError', message: 'none' }, true],
    [{ name: 'ResponseError', statusCode: 429, message: 'es_rejected_execution_exception' }, true],
    [{ name: 'ResponseError', statusCode: 503, message: 'unavailable' }, true],
    [{ name: 'ResponseError', statusCode: 400, message: 'illegal_argument_exception' }, false],
    [{ name: 'ResponseError', statusCode: 401, message: 'security_exception' }, false],
    [{ name: 'ResponseError', statusCode: 413, message: 'too large' }, false],
    [{ name: 'ProductNotSupportedError', message: 'not Elasticsearch' }, false],
    [{ name: 'DeserializationError', message: 'bad json' }, false],
  ])('classifies %j as retryable: %s', (shape, retryable) => {
    const error = Object.assign(new Error(shape.message), shape);
    expect(classifyRequestFailure(error).retryable).toBe(retryable);
  });

  test('judges bulk items: 2xx and 409 accepted, 429 and 5xx retried, other 4xx rejected', () => {
    const item = (status: number, type?: string) => ({
      create: { status, ...(type ? { error: { type, reason: 'r' } } : {}) },
    });
    expect(
      judgeBulkItems(
        {
          items: [
            item(201),
            item(409, 'version_conflict_engine_exception'),
            item(429, 'x'),
            item(503, 'y'),
            item(400, 'document_parsing_exception'),
          ],
        },
        5,
      ),
    ).toEqual({
      accepted: [0, 1],
      retry: [2, 3],
      rejected: [{ position: 4, status: 400, type: 'document_parsing_exception', reason: 'r' }],
    });
    expect(judgeBulkItems({ items: [item(201)] }, 2)).toEqual({
      malformed: 'bulk response has 1 items for 2 operations',
    });
  });

  test('backs off exponentially with equal jitter up to the cap', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, options, 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, options, 0.999999))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });
});
