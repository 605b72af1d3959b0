/**
 * A RabbitMQ connection that comes back: on loss it reconnects with capped exponential
 * backoff and runs `setup` again (channels, topology, consumers), so the services survive a
 * broker restart or a cut proxy without restarting themselves.
 */
import amqp, { type ChannelModel } from 'amqplib';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from './logger.ts';

/** What the session is doing now. */
export type SessionState =
  | { value: 'connecting'; attempt: number }
  | { value: 'connected'; connection: ChannelModel }
  | { value: 'closed' };

/** The delay before reconnect attempt `attempt` (1-based): 100 ms doubling, capped at 2 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(2000, 100 * 2 ** Math.max(0, attempt - 1));
}

/** Options of an {@link AmqpSession}. */
export interface AmqpSessionOptions {
  url: string;
  log: Logger;
  /** Runs after every successful connection; a rejection drops the connection and retries. */
  setup: (connection: ChannelModel) => Promise<void>;
}

/** A self-healing connection; see the module comment. */
export class AmqpSession {
  #state: SessionState = { value: 'connecting', attempt: 0 };
  readonly #options: AmqpSessionOptions;
  #started = false;

  constructor(options: AmqpSessionOptions) {
    this.#options = options;
  }

  /** Current state, for readiness checks. */
  get state(): SessionState {
    return this.#state;
  }

  /** Starts connecting in the background; does not wait for the first connection. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#run();
  }

  /** Closes the connection and stops reconnecting. */
  async close(): Promise<void> {
    const previous = this.#state;
    this.#state = { value: 'closed' };
    if (previous.value === 'connected') await previous.connection.close().catch(() => undefined);
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (this.#state.value !== 'closed') {
      attempt += 1;
      this.#state = { value: 'connecting', attempt };
      let connection: ChannelModel | undefined;
      try {
        connection = await amqp.connect(withHeartbeat(this.#options.url));
        const lost = new Promise<void>((resolve) => {
          connection?.on('close', () => resolve());
          connection?.on('error', () => undefined);
        });
        await this.#options.setup(connection);
        if ((this.#state as SessionState).value === 'closed') {
          await connection.close().catch(() => undefined);
          return;
        }
        this.#state = { value: 'connected', connection };
        attempt = 0;
        this.#options.log.info('amqp connected');
        await lost;
        if ((this.#state as SessionState).value === 'closed') return;
        this.#options.log.warn('amqp connection lost; reconnecting');
      } catch (error) {
        await connection?.close().catch(() => undefined);
        this.#options.log.warn('amqp connect failed', { error: (error as Error).message, attempt });
        await delay(reconnectDelayMs(attempt));
      }
    }
  }
}

/** Adds a 5 s heartbeat unless the URL sets one, so a silently dead peer is noticed quickly. */
export function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '5');
  return parsed.toString();
}
