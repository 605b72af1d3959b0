/**
 * NATS through the `nats` package (2.x), core and JetStream, patched where every message passes:
 * - `ProtocolHandler.prototype.publish` (core `publish`, `request`, and JetStream's `publish`,
 *   which is a request to the stream's subject) starts a PRODUCER span and sends its context
 *   and the publish time in a copy of the message's headers (the app's headers are not changed).
 * - `ProtocolHandler.prototype.processMsg` runs the subscription's callback for a delivered
 *   message inside a CONSUMER span, child of the context the message carries: a callback
 *   subscription's handler runs inside it; for iterator subscriptions and JetStream consumers
 *   the span marks the delivery (the loop body runs later, outside it), and the trace continues.
 * Replies to requests (`_INBOX.` subjects) and server API subjects (`$JS.`, `$SYS.`) are not
 * traced: they are the protocol's own traffic.
 */
import type { TextMapGetter } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { processDelivery, startPublish, type PubSubSystem } from './pubsub.ts';

const SUPPORTED_VERSIONS = ['>=2.0.0 <3'];
const NATS: PubSubSystem = { system: 'nats', separator: '.', wildcard: '*' };

/** The part of nats' `MsgHdrs` this reads and writes. */
interface MsgHdrs {
  readonly headers: Map<string, string[]>;
  get(key: string): string;
  keys(): string[];
  append(key: string, value: string): void;
}
type HeadersClass = new () => MsgHdrs;
interface PublishOptions {
  headers?: MsgHdrs;
  [name: string]: unknown;
}
type Publish = (this: unknown, subject: string, payload?: unknown, options?: PublishOptions) => unknown;
interface Msg {
  readonly subject: string;
  readonly headers?: MsgHdrs;
}
interface Subscription {
  callback?: (error: unknown, message: Msg) => unknown;
}
type ProcessMsg = (this: ProtocolHandler, message: { sid: number }, data: unknown) => unknown;
interface ProtocolHandler {
  readonly subscriptions: { get(sid: number): Subscription | undefined };
}
interface ProtocolModule {
  ProtocolHandler: { prototype: { publish: Publish; processMsg: ProcessMsg } };
}

const headersGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (headers) => headers?.keys() ?? [],
  get: (headers, key) => {
    const value = headers?.get(key);
    return value === '' ? undefined : value;
  },
};

/** Whether `subject` is the protocol's own traffic (replies, server APIs). */
export function isProtocolSubject(subject: string): boolean {
  return subject.startsWith('_INBOX.') || subject.startsWith('$');
}

/** Traces NATS publishes and deliveries (see the module comment). */
export class NatsInstrumentation extends InstrumentationBase {
  #Headers: HeadersClass | undefined;

  constructor() {
    super(`${INSTRUMENTATION_SCOPE.name}/nats`, INSTRUMENTATION_SCOPE.version, {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('nats', SUPPORTED_VERSIONS, undefined, undefined, [
        new InstrumentationNodeModuleFile(
          'nats/lib/nats-base-client/headers.js',
          SUPPORTED_VERSIONS,
          (exports: { MsgHdrsImpl: HeadersClass }) => {
            this.#Headers = exports.MsgHdrsImpl;
            return exports;
          },
          () => undefined,
        ),
        new InstrumentationNodeModuleFile(
          'nats/lib/nats-base-client/protocol.js',
          SUPPORTED_VERSIONS,
          (exports: ProtocolModule) => {
            const prototype = exports.ProtocolHandler.prototype;
            this._wrap(prototype, 'publish', (original: Publish) => this.#patchPublish(original));
            this._wrap(prototype, 'processMsg', (original: ProcessMsg) => this.#patchProcessMsg(original));
            return exports;
          },
          (exports: ProtocolModule | undefined) => {
            if (!exports) return;
            this._unwrap(exports.ProtocolHandler.prototype, 'publish');
            this._unwrap(exports.ProtocolHandler.prototype, 'processMsg');
          },
        ),
      ]),
    ];
  }

  #patchPublish(original: Publish): Publish {
    const tracer = () => this.tracer;
    const headersClass = () => this.#Headers;
    return function publish(this: unknown, subject, payload, options) {
      const Headers = headersClass();
      if (Headers === undefined || typeof subject !== 'string' || isProtocolSubject(subject)) {
        return original.call(this, subject, payload, options);
      }
      const { span, headers } = startPublish(tracer(), NATS, subject);
      const copy = new Headers();
      for (const [key, values] of options?.headers?.headers ?? [])
        for (const value of values) copy.append(key, value);
      for (const [key, value] of Object.entries(headers)) copy.append(key, value);
      try {
        return original.call(this, subject, payload, { ...options, headers: copy });
      } finally {
        span.end();
      }
    };
  }

  #patchProcessMsg(original: ProcessMsg): ProcessMsg {
    const tracer = () => this.tracer;
    return function processMsg(this: ProtocolHandler, message, data) {
      const subscription = this.subscriptions.get(message.sid);
      const callback = subscription?.callback;
      if (subscription === undefined || callback === undefined) return original.call(this, message, data);
      // The callback runs synchronously inside processMsg: swap in a traced one for this message.
      subscription.callback = (error, delivered) =>
        error || isProtocolSubject(delivered.subject)
          ? callback(error, delivered)
          : processDelivery(tracer(), NATS, delivered.subject, delivered.headers, headersGetter, () =>
              callback(error, delivered),
            );
      try {
        return original.call(this, message, data);
      } finally {
        subscription.callback = callback;
      }
    };
  }
}
