/**
 * MQTT through the `mqtt` package (5.x), patched on `MqttClient.prototype`:
 * - `publish` starts a PRODUCER span; on an MQTT 5 connection its context and the publish time
 *   go into a copy of the message's user properties (MQTT 3.1.1 has nowhere to carry them: the
 *   span and the sent count are still recorded).
 * - `emit('message', topic, payload, packet)` runs the app's listeners inside a CONSUMER span,
 *   child of the context in the packet's user properties.
 */
import type { TextMapGetter } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { processDelivery, startPublish, type PubSubSystem } from './pubsub.ts';

const SUPPORTED_VERSIONS = ['>=5.0.0 <6'];
const MQTT: PubSubSystem = { system: 'mqtt', separator: '/', wildcard: '+' };

type UserProperties = Record<string, string | string[]>;
interface PublishOptions {
  properties?: { userProperties?: UserProperties; [name: string]: unknown };
  [name: string]: unknown;
}
interface MqttClient {
  readonly options: { readonly protocolVersion?: number };
}
type Publish = (
  this: MqttClient,
  topic: string,
  message: unknown,
  options?: unknown,
  callback?: unknown,
) => unknown;
type Emit = (this: MqttClient, event: string | symbol, ...args: unknown[]) => boolean;
interface ClientModule {
  default: { prototype: { publish: Publish; emit: Emit } };
}
interface Packet {
  readonly properties?: { readonly userProperties?: UserProperties };
}

const userPropertiesGetter: TextMapGetter<UserProperties | undefined> = {
  keys: (properties) => Object.keys(properties ?? {}),
  get: (properties, key) => properties?.[key],
};

/** Traces MQTT publishes and deliveries (see the module comment). */
export class MqttInstrumentation extends InstrumentationBase {
  constructor() {
    super(`${INSTRUMENTATION_SCOPE.name}/mqtt`, INSTRUMENTATION_SCOPE.version, {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('mqtt', SUPPORTED_VERSIONS, undefined, undefined, [
        new InstrumentationNodeModuleFile(
          'mqtt/build/lib/client.js',
          SUPPORTED_VERSIONS,
          (exports: ClientModule) => {
            const prototype = exports.default.prototype;
            this._wrap(prototype, 'publish', (original: Publish) => this.#patchPublish(original));
            this._wrap(prototype, 'emit', (original: Emit) => this.#patchEmit(original));
            return exports;
          },
          (exports: ClientModule | undefined) => {
            if (!exports) return;
            this._unwrap(exports.default.prototype, 'publish');
            this._unwrap(exports.default.prototype, 'emit');
          },
        ),
      ]),
    ];
  }

  #patchPublish(original: Publish): Publish {
    const tracer = () => this.tracer;
    return function publish(this: MqttClient, topic, message, options, callback) {
      if (typeof topic !== 'string') return original.call(this, topic, message, options, callback);
      const { span, headers } = startPublish(tracer(), MQTT, topic);
      try {
        if (this.options.protocolVersion !== 5) return original.call(this, topic, message, options, callback);
        const [given, done] = typeof options === 'function' ? [undefined, options] : [options, callback];
        const opts = (given ?? {}) as PublishOptions;
        const withContext: PublishOptions = {
          ...opts,
          properties: {
            ...opts.properties,
            userProperties: { ...opts.properties?.userProperties, ...headers },
          },
        };
        return original.call(this, topic, message, withContext, done);
      } finally {
        span.end();
      }
    };
  }

  #patchEmit(original: Emit): Emit {
    const tracer = () => this.tracer;
    return function emit(this: MqttClient, event, ...args) {
      if (event !== 'message' || typeof args[0] !== 'string') return original.call(this, event, ...args);
      const packet = args[2] as Packet | undefined;
      return processDelivery(
        tracer(),
        MQTT,
        args[0],
        packet?.properties?.userProperties,
        userPropertiesGetter,
        () => original.call(this, event, ...args),
      );
    };
  }
}
