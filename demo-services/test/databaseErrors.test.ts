/** Which database errors are an outage (503, retry) and which a failure of the request (500). */
import { isDatabaseUnavailable } from '../order-service/databaseErrors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

test.each([
  ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
  ['an administrator shutdown', withCode('terminating connection due to administrator command', '57P01')],
  ['a connection exception', withCode('connection failure', '08006')],
  ['too many connections', withCode('sorry, too many clients already', '53300')],
  ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ['a pool timeout', new Error('timeout exceeded when trying to connect')],
])('%s is unavailable', (_name, error) => {
  expect(isDatabaseUnavailable(error)).toBe(true);
});

test.each([
  ['an encoding error', withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021')],
  ['a numeric overflow', withCode('value "1e20" is out of range for type bigint', '22003')],
  ['a missing relation', withCode('relation "orders" does not exist', '42P01')],
  ['not an error', 'boom'],
])('%s is not unavailable', (_name, error) => {
  expect(isDatabaseUnavailable(error)).toBe(false);
});
