/**
 * The faults that belong to one event bus, and how the demo applies them: on RabbitMQ,
 * `broker-down` cuts the demo's AMQP proxy; on Kafka, `consumer-stall` pauses every
 * payment-service consumer (they stay in the group) and `broker-kill` SIGKILLs the broker. A
 * fault of the other bus is refused with a {@link FaultNotOnThisBus} naming the bus to use.
 * The control channel (`npm run chaos`) and the console both go through this one object.
 */
import type { KafkaBroker } from '../../backends/index.ts';
import type { Fault } from '../console/faults.ts';
import type { TcpProxy } from '../shared/tcpProxy.ts';

/** The faults that act on the bus. */
export type BusFault = Extract<Fault, { kind: 'broker-down' | 'consumer-stall' | 'broker-kill' }>;

/** Which bus each bus fault needs. */
const BUS_OF: Readonly<Record<BusFault['kind'], BusKind>> = {
  'broker-down': 'rabbitmq',
  'consumer-stall': 'kafka',
  'broker-kill': 'kafka',
};

/** The event buses the demo runs its order flow on. */
export type BusKind = 'rabbitmq' | 'kafka';

/** Whether `fault` acts on the bus. */
export function isBusFault(fault: Fault): fault is BusFault {
  return fault.kind in BUS_OF;
}

/** A bus fault asked of a demo running on the other bus. */
export class FaultNotOnThisBus extends Error {
  constructor(fault: BusFault['kind'], bus: BusKind) {
    const needs = BUS_OF[fault];
    super(
      `${fault} needs the ${needs === 'kafka' ? 'Kafka' : 'RabbitMQ'} bus, and this demo runs on ` +
        `${bus === 'kafka' ? 'Kafka' : 'RabbitMQ'}: start it with \`npm run demo -- --bus ${needs}\`` +
        (fault === 'broker-down' ? ' (on Kafka, broker-kill stops the broker)' : ''),
    );
    this.name = 'FaultNotOnThisBus';
  }
}

/** The bus faults of a running demo. */
export interface BusChaos {
  readonly bus: BusKind;
  /** The bus faults in effect. */
  active(): readonly BusFault[];
  /** Injects one; rejects with FaultNotOnThisBus for the other bus's faults. */
  inject(fault: BusFault): Promise<void>;
  /** Clears one (restarting a killed broker resolves once it serves again). */
  clear(fault: BusFault): Promise<void>;
  /** Clears every bus fault. */
  reset(): Promise<void>;
}

function refuseOthers(bus: BusKind, fault: BusFault): void {
  if (BUS_OF[fault.kind] !== bus) throw new FaultNotOnThisBus(fault.kind, bus);
}

/** RabbitMQ's: `broker-down` cuts `amqpProxy`, through which every service reaches the broker. */
export function rabbitBusChaos(amqpProxy: TcpProxy): BusChaos {
  return {
    bus: 'rabbitmq',
    active: () => (amqpProxy.isDown ? [{ kind: 'broker-down' }] : []),
    async inject(fault) {
      refuseOthers('rabbitmq', fault);
      amqpProxy.cut();
    },
    async clear(fault) {
      refuseOthers('rabbitmq', fault);
      amqpProxy.restore();
    },
    async reset() {
      amqpProxy.restore();
    },
  };
}

/** What the Kafka bus faults act on. */
export interface KafkaChaosTargets {
  /** The demo's broker. */
  readonly broker: KafkaBroker;
  /** Base URL of each payment-service instance (`http://127.0.0.1:<port>`). */
  readonly consumerUrls: readonly string[];
}

async function setStalled(urls: readonly string[], stalled: boolean): Promise<void> {
  const answers = await Promise.all(
    urls.map((url) =>
      fetch(`${url}/admin/stall`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ stalled }),
        signal: AbortSignal.timeout(2000),
      }).then(
        (response) => (response.ok ? undefined : `${url} answered ${response.status}`),
        (error: Error) => `${url} does not answer (${error.message})`,
      ),
    ),
  );
  // A killed consumer has nothing to pause; the others are stalled all the same.
  if (answers.every((problem) => problem !== undefined))
    throw new Error(`no payment-service consumer could be ${stalled ? 'stalled' : 'resumed'}: ${answers[0]}`);
}

/** Kafka's: `consumer-stall` pauses every payment consumer, `broker-kill` SIGKILLs the broker. */
export function kafkaBusChaos(targets: KafkaChaosTargets): BusChaos {
  let stalled = false;
  const clear = async (fault: BusFault) => {
    refuseOthers('kafka', fault);
    if (fault.kind === 'consumer-stall') {
      await setStalled(targets.consumerUrls, false);
      stalled = false;
    } else await targets.broker.start();
  };
  return {
    bus: 'kafka',
    active: () => [
      ...(stalled ? [{ kind: 'consumer-stall' } as const] : []),
      ...(targets.broker.running ? [] : [{ kind: 'broker-kill' } as const]),
    ],
    async inject(fault) {
      refuseOthers('kafka', fault);
      if (fault.kind === 'consumer-stall') {
        await setStalled(targets.consumerUrls, true);
        stalled = true;
      } else await targets.broker.kill();
    },
    clear,
    async reset() {
      await targets.broker.start();
      if (stalled) await clear({ kind: 'consumer-stall' });
    },
  };
}
