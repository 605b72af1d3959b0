/**
 * The event bus the demo's order flow runs on: RabbitMQ (the machine's, through the demo's
 * cuttable proxy) or Kafka (a broker of the demo's own from `backends/`, fetched once into the
 * cache, on free loopback ports, its data under the state directory). Everything that differs
 * between the two is here: what the services are told (`FAULTLINE_BUS` and where the broker
 * is) and which bus faults chaos can inject. On Kafka, order-service samples payment-service's
 * consumer-group lag (`monitorConsumerGroups`), which Prometheus scrapes with its other metrics.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ensureBuilt, startKafka, type RunningKafka } from '../../backends/index.ts';
import type { TcpProxy } from '../shared/tcpProxy.ts';
import { kafkaBusChaos, rabbitBusChaos, type BusChaos } from './busChaos.ts';

/** Which bus the demo runs on (`npm run demo -- --bus kafka`, or `FAULTLINE_BUS=kafka`). */
export type DemoBus = { readonly kind: 'rabbitmq' } | { readonly kind: 'kafka' };

/** A `--bus` or `FAULTLINE_BUS` value that names no bus. */
export class DemoBusError extends Error {
  constructor(source: string, value: string) {
    super(`${source}: "${value}" is not a bus; accepted: rabbitmq (default), kafka`);
    this.name = 'DemoBusError';
  }
}

function busNamed(source: string, value: string): DemoBus {
  if (value === 'rabbitmq' || value === 'kafka') return { kind: value };
  throw new DemoBusError(source, value);
}

/**
 * The bus of `npm run demo`: `--bus <name>` (or `--bus=<name>`) wins over `FAULTLINE_BUS`;
 * RabbitMQ when neither is given. Throws DemoBusError naming the flag or variable.
 */
export function parseDemoBus(args: readonly string[], env: NodeJS.ProcessEnv): DemoBus {
  const at = args.findIndex((arg) => arg === '--bus' || arg.startsWith('--bus='));
  if (at >= 0) {
    const flag = args[at]!;
    return busNamed('--bus', flag.includes('=') ? flag.slice('--bus='.length) : (args[at + 1] ?? ''));
  }
  return env.FAULTLINE_BUS ? busNamed('FAULTLINE_BUS', env.FAULTLINE_BUS) : { kind: 'rabbitmq' };
}

/** What every started bus gives the rest of the demo. */
interface StartedBus {
  /** What order-service and payment-service are told about the bus. */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** Where to look, for the demo's list of URLs. */
  readonly urls: Readonly<Record<string, string>>;
  /** The bus faults, given each payment-service instance's base URL. */
  chaos(consumerUrls: readonly string[]): BusChaos;
}

/** A started bus: RabbitMQ's, or Kafka's with the demo's own broker (tests kill and restart it). */
export type RunningDemoBus =
  | (StartedBus & { readonly kind: 'rabbitmq' })
  | (StartedBus & { readonly kind: 'kafka'; readonly kafka: RunningKafka });

/** What starting the bus needs from the demo. */
export interface DemoBusInput {
  /** The AMQP URL through the demo's proxy, and the proxy (RabbitMQ). */
  readonly amqpUrl: string;
  readonly amqpProxy: TcpProxy;
  /** Prefix of queue or topic names (isolated demos). */
  readonly namePrefix?: string;
  readonly state: string;
  readonly print: (line: string) => void;
  readonly stoppers: Array<() => Promise<void>>;
}

async function startKafkaBus(input: DemoBusInput): Promise<RunningDemoBus> {
  await ensureBuilt('kafka', input.print);
  // A fresh broker each run: the storage tool formats an empty directory only.
  const dir = path.join(input.state, 'kafka');
  await rm(dir, { recursive: true, force: true });
  const kafka = await startKafka({ dir });
  input.stoppers.push(() => kafka.stop());
  const [broker] = kafka.brokers;
  return {
    kind: 'kafka',
    serviceEnv: {
      FAULTLINE_BUS: 'kafka',
      KAFKA_BROKERS: kafka.bootstrap,
      ...(input.namePrefix ? { KAFKA_TOPIC_PREFIX: input.namePrefix } : {}),
    },
    kafka,
    urls: { 'kafka (bootstrap)': kafka.bootstrap, 'kafka log': path.join(dir, 'node-1', 'kafka.log') },
    chaos: (consumerUrls) => kafkaBusChaos({ broker: broker!, consumerUrls }),
  };
}

/** Starts the bus (on Kafka, fetching it the first time); registers its stopper. */
export async function startDemoBus(bus: DemoBus, input: DemoBusInput): Promise<RunningDemoBus> {
  switch (bus.kind) {
    case 'rabbitmq':
      return {
        kind: 'rabbitmq',
        serviceEnv: {
          AMQP_URL: input.amqpUrl,
          ...(input.namePrefix ? { AMQP_NAME_PREFIX: input.namePrefix } : {}),
        },
        urls: {},
        chaos: () => rabbitBusChaos(input.amqpProxy),
      };
    case 'kafka':
      return startKafkaBus(input);
  }
}
