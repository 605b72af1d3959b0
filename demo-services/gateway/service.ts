/** Starts one gateway instance: used by `main.ts` and, in-process, by the tests. */
import type { GatewayConfig } from '../shared/config.ts';
import { listen } from '../shared/httpServer.ts';
import type { Logger } from '../shared/logger.ts';
import { createGatewayApp } from './app.ts';
import { OrderServiceClient } from './orderServiceClient.ts';

/** A running gateway. */
export interface RunningGateway {
  readonly port: number;
  /** Fails readiness, then closes once in-flight requests ended. */
  close(): Promise<void>;
}

/** Starts listening. */
export async function startGateway(config: GatewayConfig, log: Logger): Promise<RunningGateway> {
  let draining = false;
  const orders = new OrderServiceClient(config.orderServiceUrl, config.upstreamTimeoutMs);
  const server = await listen(createGatewayApp({ orders, log, draining: () => draining }), config.port);
  log.info('gateway listening', { port: server.port });
  return {
    port: server.port,
    async close() {
      draining = true;
      await server.close();
    },
  };
}
