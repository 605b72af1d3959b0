import { hostname } from 'node:os';
import winston from 'winston';
import Transport from 'winston-transport';
import { LEVEL, MESSAGE } from 'triple-beam';
import { ECS_VERSION } from '../src/catalogue/index.ts';
import type { ServiceIdentity } from '../src/config/types.ts';
import { ecsFormat, toEcsRecord } from '../src/logs/ecsFormat.ts';
import { createRedactor, REDACTED } from '../src/redaction/createRedactor.ts';

const service: ServiceIdentity = {
  name: 'checkout',
  version: '2.3.4',
  instanceId: 'checkout-1',
  namespace: undefined,
  environment: 'test',
  attributes: {},
};
const redactor = createRedactor({ extraKeys: ['ssn'] });

/** A real winston transport that keeps the formatted lines. */
class Capture extends Transport {
  readonly lines: string[] = [];
  override log(info: Record<symbol, unknown>, next: () => void): void {
    this.lines.push(String(info[MESSAGE]));
    next();
  }
}

function loggerWith(...formats: ReturnType<typeof winston.format.timestamp>[]) {
  const capture = new Capture();
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.combine(...formats, ecsFormat({ service, redactor })),
    transports: [capture],
  });
  const records = () => capture.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, records };
}

describe('ecsFormat', () => {
  test('writes the ECS base fields, the service, host and process, and keeps metadata', () => {
    const { logger, records } = loggerWith();
    const before = Date.now();
    logger.info('order placed', { order: { id: 'o-1', total: 12.5 }, 'event.action': 'order.placed' });

    const [record] = records();
    expect(record).toEqual({
      '@timestamp': expect.any(String),
      'log.level': 'info',
      message: 'order placed',
      'ecs.version': ECS_VERSION,
      'service.name': 'checkout',
      'service.version': '2.3.4',
      'service.node.name': 'checkout-1',
      'service.environment': 'test',
      'host.hostname': hostname(),
      'process.pid': process.pid,
      order: { id: 'o-1', total: 12.5 },
      'event.action': 'order.placed',
    });
    expect(Date.parse(String(record?.['@timestamp']))).toBeGreaterThanOrEqual(before - 1);
  });

  test('takes @timestamp from format.timestamp() and keeps a timestamp that does not parse as metadata', () => {
    const iso = loggerWith(winston.format.timestamp());
    iso.logger.info('a');
    const custom = loggerWith(winston.format.timestamp({ format: () => 'yesterday-ish' }));
    custom.logger.info('b');

    const [first] = iso.records();
    expect(first).not.toHaveProperty('timestamp');
    expect(new Date(String(first?.['@timestamp'])).toISOString()).toBe(first?.['@timestamp']);
    expect(custom.records()[0]).toMatchObject({ timestamp: 'yesterday-ish' });
  });

  test('reports the plain level when colorize ran first', () => {
    const { logger, records } = loggerWith(winston.format.colorize());
    logger.warn('careful');
    expect(records()[0]?.['log.level']).toBe('warn');
  });

  test('copies trace.id and span.id from the info', () => {
    const { logger, records } = loggerWith();
    logger.info('inside', { 'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736', 'span.id': '00f067aa0ba902b7' });
    expect(records()[0]).toMatchObject({
      'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736',
      'span.id': '00f067aa0ba902b7',
    });
  });

  test('masks secrets and card numbers in the message and the metadata', () => {
    const { logger, records } = loggerWith();
    logger.info('login password=hunter2 paid with 4111 1111 1111 1111', {
      user: { name: 'bob', password: 'hunter2', ssn: '123-45-6789' },
      headers: { authorization: 'Bearer abcdefgh12345678', accept: 'application/json' },
      note: 'card 5555555555554444',
    });
    const [record] = records();
    expect(record).toMatchObject({
      message: `login password=${REDACTED} paid with **** **** **** 1111`,
      user: { name: 'bob', password: REDACTED, ssn: REDACTED },
      headers: { authorization: REDACTED, accept: 'application/json' },
      note: 'card ************4444',
    });
    expect(JSON.stringify(record)).not.toMatch(
      /hunter2|4111 1111|5555555555554444|abcdefgh12345678|123-45-6789/,
    );
  });

  test.each([
    ['logger.error(err)', (l: winston.Logger, e: Error) => l.error(e as unknown as string), 'boom token=abc'],
    [
      'logger.log({ message: err })',
      (l: winston.Logger, e: Error) => l.log({ level: 'error', message: e as never }),
      'boom token=abc',
    ],
    [
      'logger.error(text, { err })',
      (l: winston.Logger, e: Error) => l.error('charge failed', { err: e }),
      'charge failed',
    ],
    [
      'logger.error(text, { error })',
      (l: winston.Logger, e: Error) => l.error('charge failed', { error: e }),
      'charge failed',
    ],
  ])('fills error.* from %s, masked', (_shape, write, message) => {
    const { logger, records } = loggerWith();
    const error = Object.assign(new TypeError('boom token=abc', { cause: new Error('socket hang up') }), {
      code: 'E_PAY',
    });
    write(logger, error);

    const [record] = records();
    expect(record).toMatchObject({
      'log.level': 'error',
      message: message.replace('token=abc', `token=${REDACTED}`),
      'error.type': 'TypeError',
      'error.message': `boom token=${REDACTED}`,
      'error.code': 'E_PAY',
    });
    expect(record?.['error.stack_trace']).toMatch(/^TypeError: boom token=\[REDACTED\]\n\s+at /);
    expect(record?.['error.stack_trace']).toContain('Caused by: Error: socket hang up');
    expect(record).not.toHaveProperty('err');
    expect(record).not.toHaveProperty('error');
    expect(record).not.toHaveProperty('stack');
  });

  test('fills error.* from a stack winston copied onto the info (logger.error(text, err))', () => {
    const { logger, records } = loggerWith();
    logger.error('charge failed', new RangeError('amount out of range'));
    expect(records()[0]).toMatchObject({
      message: 'charge failed amount out of range',
      'error.type': 'RangeError',
      'error.message': 'amount out of range',
      'error.stack_trace': expect.stringMatching(/^RangeError: amount out of range\n\s+at /),
    });
  });

  test('keeps metadata that would collide with ECS fields under faultline.meta', () => {
    const { logger, records } = loggerWith();
    logger.info('collisions', {
      service: 'billing',
      host: { name: 'db-1' },
      'log.origin': 'x',
      error: 'plain text, not an Error',
      process: { title: 'worker' },
      labels: { team: 'payments' },
    });
    const [record] = records();
    expect(record).toMatchObject({
      'service.name': 'checkout',
      'process.pid': process.pid,
      labels: { team: 'payments' },
      'faultline.meta': {
        service: 'billing',
        host: { name: 'db-1' },
        'log.origin': 'x',
        error: 'plain text, not an Error',
        process: { title: 'worker' },
      },
    });
    expect(record).not.toHaveProperty('service');
    expect(record).not.toHaveProperty('host');
  });

  test('keeps child logger metadata and survives cycles and bigints in metadata', () => {
    const { logger, records } = loggerWith();
    const cyclic: Record<string, unknown> = { name: 'node' };
    cyclic.self = cyclic;
    logger.child({ requestId: 'r-1' }).info('with child meta', { cyclic, big: 10n });
    expect(records()[0]).toMatchObject({
      requestId: 'r-1',
      cyclic: { name: 'node', self: '[Circular]' },
      big: '10',
    });
  });

  test('uses the runtime service and redact keys when given no options', () => {
    const capture = new Capture();
    const logger = winston.createLogger({ format: ecsFormat(), transports: [capture] });
    logger.info('defaults', { password: 'x' });
    const record = JSON.parse(capture.lines[0] ?? '{}') as Record<string, unknown>;
    expect(typeof record['service.name']).toBe('string');
    expect(record.password).toBe(REDACTED);
  });
});

describe('toEcsRecord', () => {
  test('does not modify the info and leaves out winston symbols', () => {
    const info = {
      level: 'info',
      message: 'token=abc',
      [LEVEL]: 'info',
      [MESSAGE]: 'preformatted',
      meta: { password: 'x' },
    };
    const before = { ...info, meta: { ...info.meta } };
    const record = toEcsRecord(info, service, redactor);
    expect(info).toEqual(before);
    expect(Object.getOwnPropertySymbols(record)).toEqual([]);
    expect(record).toMatchObject({ message: `token=${REDACTED}`, meta: { password: REDACTED } });
  });

  test('keeps service.name from the identity over the value correlation put on the info', () => {
    const record = toEcsRecord(
      { level: 'info', message: 'm', 'service.name': 'checkout' },
      service,
      redactor,
    );
    expect(record['service.name']).toBe('checkout');
    expect(Object.keys(record).filter((key) => key === 'service.name')).toHaveLength(1);
  });
});
