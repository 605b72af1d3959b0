import { createRedactor } from '../src/redaction/createRedactor.ts';
import { isEcsRecord, maskedRecord } from '../src/logs/recordFields.ts';

describe('log record fields for pino and bunyan', () => {
  const redactor = createRedactor();

  it('recognises ECS output by its ecs.version, dotted or nested', () => {
    expect(isEcsRecord({ 'ecs.version': '8.10.0' })).toBe(true);
    expect(isEcsRecord({ ecs: { version: '8.10.0' } })).toBe(true);
    expect(isEcsRecord({ msg: 'plain' })).toBe(false);
  });

  it('returns the record itself when nothing is sensitive', () => {
    const record = { requestId: 'r-1', count: 3 };
    expect(maskedRecord(record, redactor)).toBe(record);
  });

  it('masks into a copy, leaving the app’s object as it was', () => {
    const record = { user: 'ada', password: 'hunter2' };
    const masked = maskedRecord(record, redactor);
    expect(masked.password).not.toBe('hunter2');
    expect(masked.user).toBe('ada');
    expect(record.password).toBe('hunter2');
  });

  it('masks a field holding a cycle into a copy instead of throwing (fastify logs the request object)', () => {
    const request: Record<string, unknown> = { method: 'GET', headers: { authorization: 'Bearer s3cr3t' } };
    request.socket = { parser: { socket: request } };
    const record = { req: request, msg: 'incoming request' };
    const masked = maskedRecord(record, redactor);
    expect(masked).not.toBe(record);
    expect(JSON.stringify(masked)).not.toContain('s3cr3t');
    expect((masked.req as { method: string }).method).toBe('GET');
  });

  it('leaves errors and skipped fields alone', () => {
    const error = new Error('card 4111 1111 1111 1111');
    const record = { err: error, msg: '4111 1111 1111 1111' };
    expect(maskedRecord(record, redactor, new Set(['msg']))).toBe(record);
  });
});
