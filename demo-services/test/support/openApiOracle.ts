/**
 * Checks real HTTP answers against an OpenAPI 3.1 document: the status is one the operation
 * documents, the body is JSON and valid against that status's schema. Also says whether a
 * request value is valid against a component schema, so the document is the fuzzer's oracle.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './schemaArbitraries.ts';

type Responses = Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;

/** The parts of an OpenAPI document the oracle reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Responses }>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, { schema: JsonSchema }>;
  };
}

/** An answer as the fuzzer saw it. */
export interface SeenAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

/** See the module comment. */
export class OpenApiOracle {
  readonly document: OpenApiDocument;
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.document = document;
    this.#ajv = new Ajv2020({ strict: false, allErrors: false });
    addFormats.default(this.#ajv);
  }

  /** The schema of component `name`. */
  schema(name: string): JsonSchema {
    const schema = this.document.components.schemas[name];
    if (!schema) throw new Error(`the document has no schema ${name}`);
    return schema;
  }

  /** Whether `value` is valid against component schema `name`. */
  valid(name: string, value: unknown): boolean {
    return this.#validator(`schemas/${name}`, this.schema(name))(value);
  }

  /** Whether `value` is valid against the schema of parameter `name`. */
  validParameter(name: string, value: unknown): boolean {
    const parameter = this.document.components.parameters[name];
    if (!parameter) throw new Error(`the document has no parameter ${name}`);
    return this.#validator(`parameters/${name}`, parameter.schema)(value);
  }

  /** What is wrong with `answer` to `method path` (a path template of the document); [] if nothing. */
  problems(method: string, path: string, answer: SeenAnswer): string[] {
    const operation = this.document.paths[path]?.[method];
    if (!operation) return [`${method} ${path} is not in the document`];
    const response = operation.responses[String(answer.status)];
    if (!response) return [`${method} ${path} answered ${answer.status}, which the document does not list`];
    const content = response.content?.['application/json'];
    if (!content) return [];
    if (!answer.contentType?.startsWith('application/json'))
      return [`${answer.status} has content-type ${answer.contentType}, not application/json`];
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [`${answer.status} body is not JSON: ${answer.text.slice(0, 200)}`];
    }
    const validate = this.#validator(`${method} ${path} ${answer.status}`, this.#resolve(content.schema));
    return validate(body)
      ? []
      : [
          `${answer.status} body ${answer.text.slice(0, 300)} breaks the document: ${this.#ajv.errorsText(validate.errors)}`,
        ];
  }

  #resolve(schema: Record<string, unknown>): JsonSchema {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema as JsonSchema;
    return this.schema(ref.replace('#/components/schemas/', ''));
  }

  #validator(key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.#compiled.get(key);
    if (!validate) {
      validate = this.#ajv.compile(schema);
      this.#compiled.set(key, validate);
    }
    return validate;
  }
}
