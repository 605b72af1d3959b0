// The shipper loads the Elasticsearch client on first construction; loading it with the test file
// keeps that one-off cost (hundreds of modules under jest) out of the first test's deadline.
import '@elastic/elasticsearch';
import winston from 'winston';
import {
  startElasticsearchBulkReceiver,
  type ElasticsearchBulkReceiver,
} from '../../testing/receivers/elasticsearchBulkReceiver.ts';
import type { ServiceIdentity } from '../src/config/types.ts';
import { ElasticsearchShipper } from '../src/logs/ElasticsearchShipper.ts';
import { ElasticsearchTransport } from '../src/logs/ElasticsearchTransport.ts';
import { SelfLogger } from '../src/logs/SelfLogger.ts';
import { pollUntil } from '../../testing/receivers/shared/waitFor.ts';
import { MetricsRegistry } from '../src/metrics/MetricsRegistry.ts';
import { createRedactor, REDACTED } from '../src/redaction/createRedactor.ts';

const service: ServiceIdentity = {
  name: 'audit',
  version: undefined,
  instanceId: 'audit-1',
  namespace: undefined,
  environment: undefined,
  attributes: {},
};

let receiver: ElasticsearchBulkReceiver;
beforeEach(async () => {
  receiver = await startElasticsearchBulkReceiver();
});
afterEach(() => receiver.close());

describe('ElasticsearchTransport', () => {
  test('with { url, index } ships a logger to its own destination and shuts its shipper down when the logger closes', async () => {
    const transport = new ElasticsearchTransport({
      url: receiver.url,
      index: 'logs-audit-default',
      flushIntervalMs: 20,
      service,
    });
    const logger = winston.createLogger({ transports: [transport] });
    logger.info('door opened', { badge: 42, password: 'x' });

    const doc = await receiver.waitForDocument((d) => d.source.message === 'door opened');
    expect(doc.index).toBe('logs-audit-default');
    expect(doc.source).toMatchObject({
      'service.name': 'audit',
      'log.level': 'info',
      badge: 42,
      password: REDACTED,
    });

    // The receiver stores a document before its answer reaches the shipper: wait for the answer.
    await pollUntil(
      () => (transport.shipper.pending === 0 ? true : undefined),
      () => `shipper to have nothing pending (has ${transport.shipper.pending})`,
    );
    logger.close(); // winston unpipes the transport, which starts shutting its shipper down at once
    transport.shipper.enqueue({ message: 'after close' });
    expect(transport.shipper.pending).toBe(0);
    await transport.shipper.shutdown();
  });

  test('with { shipper } shares the shipper and leaves it running when the logger closes', async () => {
    const metrics = new MetricsRegistry({ service: service.name, defaultMetrics: false });
    const shipper = new ElasticsearchShipper(
      {
        enabled: true,
        url: receiver.url,
        index: 'logs-shared-default',
        apiKey: undefined,
        bufferSize: 10,
        batchSize: 10,
        flushIntervalMs: 20,
        maxRetries: 1,
      },
      { metrics, log: new SelfLogger(service, () => undefined) },
    );
    const logger = winston.createLogger({
      level: 'debug',
      transports: [
        new ElasticsearchTransport({ shipper, service, redactor: createRedactor(), level: 'warn' }),
      ],
    });
    logger.info('below the transport level');
    logger.warn('kept');
    logger.close();
    shipper.enqueue({ message: 'still running' });

    await expect(shipper.flush(5000)).resolves.toBe(true);
    expect(receiver.documents('logs-shared-default').map((d) => d.source.message)).toEqual([
      'kept',
      'still running',
    ]);
    await shipper.shutdown(1000);
  });

  test.each([
    [{ url: 'not a url' }, /url: faultline: invalid FAULTLINE_ELASTICSEARCH_URL/],
    [{ url: 'http://localhost:9200', index: 'Upper' }, /index: .*FAULTLINE_LOG_INDEX/],
    [{ url: 'http://localhost:9200', bufferSize: 0 }, /bufferSize: .*FAULTLINE_LOG_BUFFER_SIZE/],
  ])('rejects invalid destination options %j with a TypeError naming the option', (options, message) => {
    expect(() => new ElasticsearchTransport({ ...options, service })).toThrow(message);
  });
});
