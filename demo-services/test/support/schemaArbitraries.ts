/**
 * fast-check arbitraries generated from JSON Schemas (the component schemas of an OpenAPI
 * document): values a schema accepts, and values that break exactly one of its rules, with the
 * field a validator should name. Covers the keywords the demo's documents use: type, properties,
 * required, additionalProperties: false, items, minItems/maxItems, minLength/maxLength (code
 * points), pattern, minimum/maximum, enum, const.
 */
import fc from 'fast-check';

/** A JSON Schema as the documents write it. */
export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
};

/** A value breaking one rule, and the field (dotted path, `body` for the root) at fault. */
export interface Violation {
  readonly value: unknown;
  readonly field: string;
  readonly rule: string;
}

const codePoints = (value: string): number => [...value].length;

function join(path: string[]): string {
  return path.length === 0 ? 'body' : path.join('.');
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 64;
  const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
  const anyString = pattern ? fc.stringMatching(pattern) : fc.string({ unit: 'grapheme' });
  // One character the pattern accepts, to build strings at the length bounds.
  const char = anyString.filter((s) => s.length > 0).map((s) => [...s][0] as string);
  const atBound = (length: number) =>
    fc.array(char, { minLength: length, maxLength: length }).map((a) => a.join(''));
  const fits = (s: string) => codePoints(s) >= min && codePoints(s) <= max && (!pattern || pattern.test(s));
  return fc
    .oneof(
      { weight: 6, arbitrary: anyString },
      { weight: 1, arbitrary: atBound(max) },
      { weight: 1, arbitrary: atBound(Math.max(min, 1)) },
    )
    .filter(fits);
}

/** Values `schema` accepts. */
export function validValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -(2 ** 31), max: schema.maximum ?? 2 ** 31 }),
        fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 0),
      );
    case 'boolean':
      return fc.boolean();
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'array':
      return fc.array(validValue(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 10, 100),
        size: 'small',
      });
    case 'object':
      return objectArbitrary(schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArbitrary(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const shape = Object.fromEntries(
    Object.entries(properties).map(([key, child]) => [key, validValue(child)]),
  );
  return fc.record(shape, { requiredKeys: schema.required ?? [] }) as fc.Arbitrary<Record<string, unknown>>;
}

const CONTROL_CHARACTERS = ['\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f'];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
const WRONG_TYPES: Record<string, unknown[]> = {
  string: [42, true, null, [], {}],
  integer: ['1', true, null, [], {}, 1.5],
  number: ['1', true, null, [], {}],
  boolean: ['true', 0, null],
  array: ['[]', 1, null, {}],
  object: ['{}', 1, null, []],
};

function stringViolations(schema: JsonSchema, path: string[]): fc.Arbitrary<Violation>[] {
  const field = join(path);
  const out: fc.Arbitrary<Violation>[] = [];
  if (schema.maxLength !== undefined)
    out.push(
      fc.integer({ min: 1, max: 40 }).map((extra) => ({
        value: 'x'.repeat((schema.maxLength as number) + extra),
        field,
        rule: 'maxLength',
      })),
    );
  if (schema.minLength !== undefined && schema.minLength > 0)
    out.push(fc.constant({ value: '', field, rule: 'minLength' }));
  if (schema.pattern && new RegExp(schema.pattern).test('a')) {
    const forbidden = fc.constantFrom(...CONTROL_CHARACTERS, ...LONE_SURROGATES);
    out.push(
      fc
        .tuple(fc.stringMatching(/^[a-z]{0,8}$/), forbidden, fc.stringMatching(/^[a-z]{0,8}$/))
        .map(([a, bad, b]) => ({ value: `${a}${bad}${b}`, field, rule: 'pattern' })),
    );
  }
  return out;
}

function numberViolations(schema: JsonSchema, path: string[]): fc.Arbitrary<Violation>[] {
  const field = join(path);
  const out: fc.Arbitrary<Violation>[] = [];
  if (schema.maximum !== undefined) {
    const max = schema.maximum;
    out.push(
      fc
        .constantFrom(max + 1, max * 2 + 1, 2 ** 53, 1e21)
        .map((value) => ({ value, field, rule: 'maximum' })),
    );
  }
  if (schema.minimum !== undefined) {
    const min = schema.minimum;
    out.push(fc.constantFrom(min - 1, -(2 ** 40)).map((value) => ({ value, field, rule: 'minimum' })));
  }
  if (schema.type === 'integer')
    out.push(fc.constantFrom(0.5, 1.25, 99.99).map((value) => ({ value, field, rule: 'integer' })));
  return out;
}

function arrayViolations(schema: JsonSchema, path: string[]): fc.Arbitrary<Violation>[] {
  const field = join(path);
  const item = validValue(schema.items ?? {});
  const out: fc.Arbitrary<Violation>[] = [];
  if (schema.maxItems !== undefined)
    out.push(
      fc.tuple(item, fc.integer({ min: 1, max: 5 })).map(([one, extra]) => ({
        value: Array.from({ length: (schema.maxItems as number) + extra }, () => one),
        field,
        rule: 'maxItems',
      })),
    );
  if (schema.minItems !== undefined && schema.minItems > 0)
    out.push(fc.constant({ value: [], field, rule: 'minItems' }));
  // One item broken, the others valid.
  for (const broken of violations(schema.items ?? {}, [...path, '#']))
    out.push(
      fc
        .tuple(validValue(schema), broken, fc.nat())
        .filter(([array]) => Array.isArray(array) && array.length > 0)
        .map(([array, violation, n]) => {
          const copy = [...(array as unknown[])];
          const index = n % copy.length;
          copy[index] = violation.value;
          return {
            value: copy,
            field: violation.field.replace(`${field}.#`, `${field}.${index}`),
            rule: violation.rule,
          };
        }),
    );
  return out;
}

function objectViolations(schema: JsonSchema, path: string[]): fc.Arbitrary<Violation>[] {
  const valid = objectArbitrary(schema);
  const out: fc.Arbitrary<Violation>[] = [];
  for (const key of schema.required ?? [])
    out.push(
      valid.map((object) => {
        const { [key]: _removed, ...rest } = object;
        return { value: rest, field: join([...path, key]), rule: 'required' };
      }),
    );
  if (schema.additionalProperties === false)
    out.push(
      fc
        .tuple(
          valid,
          fc.constantFrom('admin', '__proto__', 'constructor', 'status', 'orderId'),
          fc.jsonValue({ maxDepth: 1 }),
        )
        .map(([object, key, extra]) => ({
          // A computed key makes `__proto__` an own property, as JSON.parse does.
          value: { ...object, [key]: extra ?? null },
          // zod names the object holding the unknown key.
          field: join(path),
          rule: 'additionalProperties',
        })),
    );
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    for (const broken of violations(child, [...path, key]))
      out.push(
        fc
          .tuple(valid, broken)
          .map(([object, violation]) => ({ ...violation, value: { ...object, [key]: violation.value } })),
      );
  return out;
}

/** Arbitraries of values breaking one rule of `schema` (nested ones included). */
export function violations(schema: JsonSchema, path: string[] = []): fc.Arbitrary<Violation>[] {
  const field = join(path);
  const wrongType = (WRONG_TYPES[schema.type ?? ''] ?? []).map((value) =>
    fc.constant({ value, field, rule: 'type' }),
  );
  switch (schema.type) {
    case 'string':
      return [...wrongType, ...stringViolations(schema, path)];
    case 'integer':
    case 'number':
      return [...wrongType, ...numberViolations(schema, path)];
    case 'array':
      return [...wrongType, ...arrayViolations(schema, path)];
    case 'object':
      return [...wrongType, ...objectViolations(schema, path)];
    default:
      return wrongType;
  }
}
