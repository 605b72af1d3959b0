/**
 * The parts of amqplib's objects the instrumentation touches, as structural types: the package
 * does not depend on amqplib (the app brings it), and its own types do not describe the
 * internal `lib/channel_model.js` being patched.
 */
import type { Headers } from './utils.ts';

/** A message as amqplib delivers it to a consumer. */
export interface Message {
  readonly fields: { readonly deliveryTag: number; readonly routingKey?: string };
  readonly properties: {
    readonly headers?: Headers;
    readonly timestamp?: unknown;
    readonly messageId?: unknown;
  };
}

/** An amqplib channel (`Channel` or `ConfirmChannel`). */
export interface Channel {
  once(event: 'close', listener: () => void): unknown;
}

/** The options argument of `publish`. */
export interface PublishOptions {
  readonly headers?: Headers;
  readonly messageId?: string;
  readonly [key: string]: unknown;
}

/** A confirm channel's publish callback: `null` error when the broker acked the message. */
export type ConfirmCallback = (error: unknown, ok: unknown) => void;

/** `publish(exchange, routingKey, content, options?, callback?)`. */
export type PublishArgs = [string, string, unknown, PublishOptions?, ConfirmCallback?];

/** `Channel.prototype.publish` (the callback is only taken by confirm channels). */
export type Publish = (this: Channel, ...args: PublishArgs) => boolean;

/** `Channel.prototype.consume`. */
export type Consume = (
  this: Channel,
  queue: string,
  onMessage: (message: Message | null) => unknown,
  options?: { readonly noAck?: boolean },
) => unknown;

/** Any channel method, for the ones only passed through. */
export type ChannelMethod = (this: Channel, ...args: never[]) => unknown;

/** The classes `lib/channel_model.js` exports. */
export interface ChannelModelExports {
  readonly Channel: { readonly prototype: Record<string, ChannelMethod> };
  readonly ConfirmChannel: { readonly prototype: Record<string, ChannelMethod> };
}
