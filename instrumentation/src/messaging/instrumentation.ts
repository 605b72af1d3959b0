/**
 * RabbitMQ through amqplib's promise API (`amqplib/lib/channel_model.js`), patched when the app
 * loads it:
 * - `publish` (and `sendToQueue`, which goes through it; confirm channels too) starts a PRODUCER
 *   span, injects its context into the message headers with the global propagator, stamps the
 *   publish time in milliseconds, and counts the message sent (see `publish.ts`).
 * - `consume` wraps the handler: the context extracted from the headers is the parent of a
 *   CONSUMER span, so the consumer joins the producer's trace; the lag from publish is observed
 *   and the message counted consumed; the handler runs with that span active (`consume.ts`).
 * - `ack`, `nack`, `reject`, `ackAll`, `nackAll` end the span of each message they settle and
 *   observe its processing time by outcome; messages still unsettled when their channel closes
 *   are requeued by the broker and reported so. With `noAck`, processing ends when the handler
 *   returns (or its promise settles) and counts as `ack`.
 * - `assertQueue` records which queues have a dead-letter exchange, which tells `dead_letter`
 *   from `reject` (queues declared elsewhere: `deadLetterQueues` in the config).
 * The callback API (`amqplib/callback_api`) is not patched. Nothing here throws into the app:
 * a failure to report is swallowed.
 */
import { context } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import type {
  Channel,
  ChannelMethod,
  ChannelModelExports,
  Consume,
  Message,
  Publish,
  PublishArgs,
} from './amqplibShapes.ts';
import { initialiseConsumerSeries, runAutoAcked, startProcessing } from './consume.ts';
import { DeliveryTracker, finishDelivery, type Delivery } from './DeliveryTracker.ts';
import { isStamped, tracedPublish } from './publish.ts';
import type { MessagingInstrumentationConfig } from './types.ts';
import { declaresDeadLetterExchange, processOutcome, type Settlement } from './utils.ts';

/** The amqplib versions whose `lib/channel_model.js` this patches. */
const SUPPORTED_VERSIONS = ['>=0.10.0 <3'];

const SETTLE_METHODS = ['ack', 'nack', 'reject', 'ackAll', 'nackAll'] as const;
type SettleMethod = (typeof SETTLE_METHODS)[number];

function quietly<T>(report: () => T): T | undefined {
  try {
    return report();
  } catch {
    return undefined;
  }
}

/** What a settle call settles: which deliveries, and how. */
function settlementOf(
  method: SettleMethod,
  args: readonly unknown[],
  tracker: DeliveryTracker,
): [Delivery[], Settlement] {
  const tagOf = (message: unknown) => (message as Message).fields.deliveryTag;
  // amqplib's nack and reject requeue unless told `false`.
  const requeue = (value: unknown) => value !== false;
  switch (method) {
    case 'ack':
      return [tracker.take(tagOf(args[0]), args[1] === true), { kind: 'ack' }];
    case 'nack':
      return [tracker.take(tagOf(args[0]), args[1] === true), { kind: 'nack', requeue: requeue(args[2]) }];
    case 'reject':
      return [tracker.take(tagOf(args[0]), false), { kind: 'nack', requeue: requeue(args[1]) }];
    case 'ackAll':
      return [tracker.takeAll(), { kind: 'ack' }];
    case 'nackAll':
      return [tracker.takeAll(), { kind: 'nack', requeue: requeue(args[0]) }];
  }
}

/** Traces, counts and times RabbitMQ messages through amqplib. */
export class MessagingInstrumentation extends InstrumentationBase<MessagingInstrumentationConfig> {
  // Plain fields rather than `#private`: the base constructor calls init() and enable() before
  // subclass fields exist; they are only read once amqplib is loaded and patched, later.
  private readonly trackers = new WeakMap<Channel, DeliveryTracker>();
  private readonly declaredDeadLettering = new Map<string, boolean>();

  /** Creates the instrumentation; it is enabled unless `config.enabled` is false. */
  constructor(config: MessagingInstrumentationConfig = {}) {
    super(`${INSTRUMENTATION_SCOPE.name}/amqplib`, INSTRUMENTATION_SCOPE.version, config);
  }

  protected override init(): InstrumentationNodeModuleDefinition {
    const channelModel = new InstrumentationNodeModuleFile(
      'amqplib/lib/channel_model.js',
      SUPPORTED_VERSIONS,
      (exports: ChannelModelExports) => this.patchChannelModel(exports),
      (exports?: ChannelModelExports) => this.unpatchChannelModel(exports),
    );
    return new InstrumentationNodeModuleDefinition('amqplib', SUPPORTED_VERSIONS, undefined, undefined, [
      channelModel,
    ]);
  }

  private patchChannelModel(exports: ChannelModelExports): ChannelModelExports {
    const channel = exports.Channel.prototype;
    this._wrap(channel, 'publish', (original) => this.wrapPublish(original as never, false) as never);
    this._wrap(
      exports.ConfirmChannel.prototype,
      'publish',
      (original) => this.wrapPublish(original as never, true) as never,
    );
    this._wrap(channel, 'consume', (original) => this.wrapConsume(original as never) as never);
    this._wrap(channel, 'assertQueue', (original) => this.wrapAssertQueue(original));
    for (const method of SETTLE_METHODS) {
      this._wrap(channel, method, (original) => this.wrapSettle(method, original));
    }
    return exports;
  }

  private unpatchChannelModel(exports: ChannelModelExports | undefined): void {
    if (!exports) return;
    for (const method of ['publish', 'consume', 'assertQueue', ...SETTLE_METHODS]) {
      this._unwrap(exports.Channel.prototype, method);
    }
    this._unwrap(exports.ConfirmChannel.prototype, 'publish');
  }

  private deadLetters(queue: string): boolean {
    const declared = this.declaredDeadLettering.get(queue);
    return declared ?? this.getConfig().deadLetterQueues?.includes(queue) ?? false;
  }

  private wrapPublish(original: Publish, confirm: boolean): Publish {
    const publish = (channel: Channel, args: PublishArgs): boolean =>
      isStamped(args[3])
        ? original.apply(channel, args)
        : tracedPublish(this.tracer, original, channel, args, confirm);
    return function (this: Channel, ...args: PublishArgs) {
      return publish(this, args);
    };
  }

  private wrapConsume(original: Consume): Consume {
    const begin = (channel: Channel, queue: string, message: Message, autoAck: boolean) => {
      const delivery = startProcessing(this.tracer, queue, message);
      if (!autoAck) this.trackerOf(channel).add(message.fields.deliveryTag, delivery);
      return delivery;
    };
    return function (this: Channel, queue, onMessage, options) {
      const autoAck = options?.noAck === true;
      quietly(() => initialiseConsumerSeries(queue));
      const handle = (message: Message | null): unknown => {
        const delivery = message ? quietly(() => begin(this, queue, message, autoAck)) : undefined;
        if (!delivery) return onMessage(message);
        return context.with(delivery.context, () =>
          autoAck ? runAutoAcked(delivery, () => onMessage(message)) : onMessage(message),
        );
      };
      return original.call(this, queue, handle, options);
    };
  }

  private trackerOf(channel: Channel): DeliveryTracker {
    const existing = this.trackers.get(channel);
    if (existing) return existing;
    const tracker = new DeliveryTracker();
    this.trackers.set(channel, tracker);
    // The broker requeues whatever a closing channel left unacknowledged.
    channel.once('close', () => this.settle(tracker.takeAll(), { kind: 'channel_closed' }));
    return tracker;
  }

  private settle(deliveries: readonly Delivery[], settlement: Settlement): void {
    for (const delivery of deliveries) {
      quietly(() => finishDelivery(delivery, processOutcome(settlement, this.deadLetters(delivery.queue))));
    }
  }

  private wrapSettle(method: SettleMethod, original: ChannelMethod): ChannelMethod {
    const settled = (channel: Channel, args: readonly unknown[]) => {
      const tracker = this.trackers.get(channel);
      if (!tracker || tracker.size === 0) return;
      const [deliveries, settlement] = settlementOf(method, args, tracker);
      this.settle(deliveries, settlement);
    };
    return function (this: Channel, ...args: never[]) {
      // Settle after the call: if amqplib throws (channel closed), nothing was settled.
      const result = original.apply(this, args);
      quietly(() => settled(this, args));
      return result;
    };
  }

  private wrapAssertQueue(original: ChannelMethod): ChannelMethod {
    const declared = (result: unknown, options: unknown) => {
      const queue = (result as { queue?: unknown } | undefined)?.queue;
      if (typeof queue === 'string')
        this.declaredDeadLettering.set(queue, declaresDeadLetterExchange(options));
    };
    return function (this: Channel, ...args: never[]) {
      const result = original.apply(this, args);
      const options: unknown = args[1];
      if (result instanceof Promise)
        result.then(
          (ok) => declared(ok, options),
          () => undefined,
        );
      return result;
    };
  }
}

/** Creates the RabbitMQ (amqplib) instrumentation; register it before the app loads amqplib. */
export function createMessagingInstrumentation(
  config: MessagingInstrumentationConfig = {},
): MessagingInstrumentation {
  return new MessagingInstrumentation(config);
}
