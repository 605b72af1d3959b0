import { createRedactor, REDACTED } from '../src/redaction/createRedactor.ts';
import { createKeyMatcher, splitKeyWords } from '../src/redaction/sensitiveKeys.ts';
import { isCardNumber, luhnValid, maskCardNumbers } from '../src/redaction/cardNumbers.ts';

const redactor = createRedactor({ extraKeys: ['ssn', 'customer_email'] });

describe('sensitive keys', () => {
  const isSensitive = createKeyMatcher(['ssn', 'customer_email']);

  test.each([
    'password',
    'PASSWORD',
    'newPassword',
    'password_confirmation',
    'passwd',
    'client_secret',
    'secretKey',
    'token',
    'accessToken',
    'refresh_token',
    'x-auth-token',
    'apiKey',
    'api_key',
    'API-KEY',
    'x-api-key',
    'X-Api-Key',
    'authorization',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'Set-Cookie',
    'private_key',
    'privateKey',
    'card_number',
    'cardNumber',
    'creditCardNumber',
    'pan',
    'cvv',
    'CVC',
    'http.request.header.authorization',
    'http.request.header.x-api-key',
    'http.response.header.set-cookie',
    'db.connection.password',
    'ssn',
    'user.SSN',
    'customer_email',
    'customerEmail',
    'order.customer-email',
  ])('%s is sensitive', (key) => {
    expect(isSensitive(key)).toBe(true);
  });

  test.each([
    'message',
    'user.id',
    'span',
    'span.id',
    'panel',
    'company',
    'max_tokens',
    'tokenizer',
    'http.request.method',
    'url.path',
    'order_id',
    'email',
    'timestamp',
  ])('%s is not sensitive', (key) => {
    expect(isSensitive(key)).toBe(false);
  });

  test('splits keys into words at separators and camelCase boundaries', () => {
    expect(splitKeyWords('http.request.header.X-API-Key')).toEqual([
      'http',
      'request',
      'header',
      'x',
      'api',
      'key',
    ]);
    expect(splitKeyWords('creditCardNumber')).toEqual(['credit', 'card', 'number']);
    expect(splitKeyWords('APIKey')).toEqual(['api', 'key']);
  });
});

describe('card numbers', () => {
  test.each([
    ['Visa', '4111111111111111'],
    ['Visa, 13 digits', '4222222222222'],
    ['Visa, 19 digits', '4000000000000000006'],
    ['Mastercard', '5555555555554444'],
    ['American Express', '378282246310005'],
    ['Discover', '6011111111111117'],
    ['JCB', '3530111333300000'],
    ['UnionPay', '6200000000000005'],
    ['Diners', '30569309025904'],
  ])('%s %s is a card number', (_brand, digits) => {
    expect(isCardNumber(digits)).toBe(true);
  });

  test.each([
    ['fails the Luhn check', '4111111111111112'],
    ['is a Luhn-valid millisecond timestamp', '1732512345676'],
    ['is a Luhn-valid date-based order id', '2024112500001236'],
    ['is too short', '411111111111'],
    ['is too long', '41111111111111111111'],
    ['has a Visa prefix but a length Visa does not use', '411111111111116'],
  ])('a number that %s is not', (_why, digits) => {
    expect(isCardNumber(digits)).toBe(false);
  });

  test('Luhn check', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });

  test.each([
    ['4111111111111111', '************1111'],
    ['paid with 4111 1111 1111 1111 today', 'paid with **** **** **** 1111 today'],
    ['paid with 4111-1111-1111-1111.', 'paid with ****-****-****-1111.'],
    ['amex 3782 822463 10005', 'amex **** ****** *0005'],
    ['card=5555555555554444&x=1', 'card=************4444&x=1'],
    ['{"n":"4111111111111111"}', '{"n":"************1111"}'],
    ['card 4111 1111 1111 1111 2025', 'card **** **** **** 1111 2025'],
  ])('masks %j keeping the last four digits', (text, expected) => {
    expect(maskCardNumbers(text)).toBe(expected);
  });

  test.each([
    ['a Luhn-invalid run', 'ref 4111111111111112'],
    ['a short digit run', 'retry 3 of 5 after 1200 ms, code 123456789012'],
    ['a Luhn-valid millisecond timestamp', 'at 1732512345676 ms'],
    ['a Luhn-valid order id', 'order ORD-2024112500001236 shipped'],
    ['a date and a phone number', '2024-11-25 call +1 555-123-4567'],
    ['digits inside a hex trace id', 'trace 4bf92f3577b34da6a3ce929d0e0e4736'],
    ['digits glued to letters', 'id A4111111111111111'],
    ['a 25-digit identifier', '4111111111111111000000000'],
  ])('leaves %s untouched', (_what, text) => {
    expect(maskCardNumbers(text)).toBe(text);
  });
});

describe('redactString', () => {
  test.each([
    ['password=hunter2&user=bob', `password=${REDACTED}&user=bob`],
    ['GET /login?user=bob&token=abc123', `GET /login?user=bob&token=${REDACTED}`],
    ['api_key: sk_live_123 rest', `api_key: ${REDACTED} rest`],
    ['{"password":"hun\\"ter2","user":"bob"}', `{"password":"${REDACTED}","user":"bob"}`],
    ["{'secret': 's3cr3t'}", `{'secret': '${REDACTED}'}`],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', `Authorization: ${REDACTED}`],
    ['authorization=Basic dXNlcjpwYXNz', `authorization=${REDACTED}`],
    ['sent header bearer abcdefghijklmnop', `sent header bearer ${REDACTED}`],
    ['connect postgres://app:s3cret@db:5432/orders', `connect postgres://app:${REDACTED}@db:5432/orders`],
    ['ssn=123-45-6789 customerEmail=a@b.c', `ssn=${REDACTED} customerEmail=${REDACTED}`],
    [
      'login password=hunter2 card 4111 1111 1111 1111',
      `login password=${REDACTED} card **** **** **** 1111`,
    ],
  ])('masks %j', (text, expected) => {
    expect(redactor.redactString(text)).toBe(expected);
  });

  test.each([
    'the password was wrong for user bob',
    'GET /orders?page=2&max_tokens=500',
    'a basic example of a bearer of news',
    'https://example.com/path?x=1',
    'user=bob status=200 duration_ms=12',
  ])('leaves %j unchanged', (text) => {
    expect(redactor.redactString(text)).toBe(text);
  });
});

describe('redact', () => {
  test('masks sensitive keys at any depth and in arrays, keeping everything else', () => {
    const input = {
      user: { id: 7, name: 'bob', password: 'hunter2' },
      headers: {
        authorization: 'Bearer abcdefgh12345678',
        'content-type': 'application/json',
        'Set-Cookie': ['a=1', 'b=2'],
      },
      items: [
        { sku: 'A1', qty: 2 },
        { card_number: '4111111111111111', cvv: '123' },
      ],
      'http.request.header.x-api-key': 'k-123',
      note: 'paid with 4111 1111 1111 1111',
      orderId: '2024112500001236',
      at: 1732512345676,
      amount: 4111111111111111,
      empty: null,
      secret: undefined,
      flag: true,
    };
    expect(redactor.redact(input)).toEqual({
      user: { id: 7, name: 'bob', password: REDACTED },
      headers: { authorization: REDACTED, 'content-type': 'application/json', 'Set-Cookie': REDACTED },
      items: [
        { sku: 'A1', qty: 2 },
        { card_number: REDACTED, cvv: REDACTED },
      ],
      'http.request.header.x-api-key': REDACTED,
      note: 'paid with **** **** **** 1111',
      orderId: '2024112500001236',
      at: 1732512345676,
      amount: '************1111',
      empty: null,
      secret: undefined,
      flag: true,
    });
  });

  test('masks whole values of sensitive keys, objects included', () => {
    expect(redactor.redact({ credentials: { user: 'bob', pass: 'x' }, token: 42 })).toEqual({
      credentials: REDACTED,
      token: REDACTED,
    });
  });

  test('never modifies its input', () => {
    const input = { password: 'hunter2', nested: { token: 't', list: ['4111111111111111'] } };
    const before = structuredClone(input);
    const output = redactor.redact(input);
    expect(input).toEqual(before);
    expect(output).not.toBe(input);
    expect(output.nested).not.toBe(input.nested);
  });

  test('returns a deep copy even when nothing is masked', () => {
    const input = { a: { b: [1, 2] } };
    const output = redactor.redact(input);
    expect(output).toEqual(input);
    expect(output.a).not.toBe(input.a);
    expect(output.a.b).not.toBe(input.a.b);
  });

  test('replaces cycles and keeps shared references that are not cycles', () => {
    const shared = { v: 1 };
    const input: Record<string, unknown> = { left: shared, right: shared };
    input.self = input;
    expect(redactor.redact(input)).toEqual({ left: { v: 1 }, right: { v: 1 }, self: '[Circular]' });
  });

  test('bounds the depth', () => {
    const deep = createRedactor({ maxDepth: 3 });
    expect(deep.redact({ a: { b: { c: { d: 1 } } } })).toEqual({ a: { b: { c: '[Truncated]' } } });
  });

  test('turns Errors into serialisable objects with masked message, stack and fields', () => {
    const cause = new Error('db password=hunter2 refused');
    const error = Object.assign(new TypeError('bad token=abc123', { cause }), {
      code: 'E_AUTH',
      apiKey: 'k',
    });
    const copy = redactor.redact({ error }) as unknown as { error: Record<string, unknown> };
    expect(copy.error).toMatchObject({
      name: 'TypeError',
      message: `bad token=${REDACTED}`,
      code: 'E_AUTH',
      apiKey: REDACTED,
      cause: { name: 'Error', message: `db password=${REDACTED} refused` },
    });
    expect(copy.error.stack).toContain(`TypeError: bad token=${REDACTED}`);
    expect(JSON.parse(JSON.stringify(copy)).error.message).toBe(`bad token=${REDACTED}`);
  });

  test('summarises binary data, keeps Dates, turns Maps into objects and Sets into arrays, and stringifies bigints', () => {
    const when = new Date('2024-11-25T00:00:00Z');
    const copy = redactor.redact({
      body: Buffer.from('password=hunter2'),
      bytes: new Uint8Array(4),
      when,
      map: new Map<unknown, unknown>([
        ['token', 'abc'],
        ['id', 1],
        [2, 'paid with 4111111111111111'],
      ]),
      set: new Set(['x', 'secret=1']),
      big: 12n,
    });
    expect(copy.body).toBe('[Binary: 16 bytes]');
    expect(copy.bytes).toBe('[Binary: 4 bytes]');
    expect(copy.when).toEqual(when);
    expect(copy.when).not.toBe(when);
    expect(copy.map).toEqual({ token: REDACTED, id: 1, '2': 'paid with ************1111' });
    expect(copy.set).toEqual(['x', `secret=${REDACTED}`]);
    expect(copy.big).toBe('12');
  });

  test('copies objects with toJSON through it and class instances through their own fields', () => {
    class Account {
      id = 1;
      password = 'x';
    }
    const url = new URL('https://bob:hunter2@example.com/?token=abc');
    expect(redactor.redact({ url, account: new Account() })).toEqual({
      url: `https://bob:${REDACTED}@example.com/?token=${REDACTED}`,
      account: { id: 1, password: REDACTED },
    });
  });

  test('survives getters that throw', () => {
    const input = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(redactor.redact(input)).toEqual({ ok: 1, bad: '[Unreadable]' });
  });

  test('handles primitives at the top level', () => {
    expect(redactor.redact('token=abc')).toBe(`token=${REDACTED}`);
    expect(redactor.redact(42)).toBe(42);
    expect(redactor.redact(null)).toBeNull();
    expect(redactor.redact(undefined)).toBeUndefined();
  });
});

describe('redactAttributes', () => {
  test('returns the very same object when nothing needs masking', () => {
    const attributes = {
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'url.full': 'https://shop.example/orders/42?page=2',
      'http.response.status_code': 200,
      'faultline.retry.attempt': 2,
      'messaging.message.id': '2024112500001236',
      tags: ['a', 'b'],
      ok: true,
    };
    expect(redactor.redactAttributes(attributes)).toBe(attributes);
  });

  test('masks sensitive keys, secrets in strings and card numbers without touching the input', () => {
    const attributes = {
      'http.request.method': 'POST',
      'http.request.header.authorization': ['Bearer abcdefgh12345678'],
      'http.request.header.cookie': 'sid=1',
      'url.full': 'https://shop.example/pay?token=abc&card=4111111111111111',
      'db.statement': "UPDATE users SET password='x' WHERE id=1",
      'payment.reference': 4111111111111111,
      notes: ['fine', 'api_key=k1'],
    };
    const before = structuredClone(attributes);
    const redacted = redactor.redactAttributes(attributes);
    expect(redacted).not.toBe(attributes);
    expect(attributes).toEqual(before);
    expect(redacted).toEqual({
      'http.request.method': 'POST',
      'http.request.header.authorization': REDACTED,
      'http.request.header.cookie': REDACTED,
      'url.full': `https://shop.example/pay?token=${REDACTED}&card=************1111`,
      'db.statement': `UPDATE users SET password='${REDACTED}' WHERE id=1`,
      'payment.reference': '************1111',
      notes: ['fine', `api_key=${REDACTED}`],
    });
  });

  test('redactAttribute masks one field exactly as redactAttributes does', () => {
    const fields: [string, string | number | string[]][] = [
      ['http.route', '/orders/:id'],
      ['http.request.header.cookie', 'sid=1'],
      ['url.full', 'https://shop.example/pay?token=abc&card=4111111111111111'],
      ['payment.reference', 4111111111111111],
      ['notes', ['fine', 'api_key=k1']],
    ];
    for (const [key, value] of fields) {
      expect(redactor.redactAttribute(key, value)).toEqual(redactor.redactAttributes({ [key]: value })[key]);
    }
    const clean = '/orders/:id';
    expect(redactor.redactAttribute('http.route', clean)).toBe(clean);
    expect(redactor.redactAttribute('user.password', 'hunter2')).toBe(REDACTED);
  });
});

describe('masking twice', () => {
  it('is idempotent: an already masked record is left as it is', () => {
    const redactor = createRedactor();
    const once = redactor.redactString(
      'charging password=hunter2 token: "abc" with card 4111 1111 1111 1111',
    );
    expect(redactor.redactString(once)).toBe(once);
    expect(once).toBe(`charging password=${REDACTED} token: "${REDACTED}" with card **** **** **** 1111`);
  });
});
