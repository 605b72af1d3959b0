/**
 * `npm run chaos -- <fault>`: injects or clears a fault in the running demo through its
 * control channel (`.demo/control.json`).
 *
 *   provider-down | provider-slow [ms] | provider-errors <rate> | provider-timeouts
 *   kill <service or instance> | redis-down | redis-master-down | broker-down | db-failover | status | reset
 */
import { readFile } from 'node:fs/promises';

const USAGE =
  'usage: npm run chaos -- provider-down | provider-slow [ms] | provider-errors <rate 0..1> | provider-timeouts | kill <gateway|gateway-2|order-service|payment-service|payment-provider|...> | redis-down | redis-master-down | broker-down | db-failover | status | reset';

type Request = { method: 'GET' | 'POST'; path: string; body?: unknown };

/** Maps the command line to a control request; throws with the usage on a bad one. */
function toRequest(args: string[]): Request {
  const [fault, arg] = args;
  switch (fault) {
    case 'provider-down':
      return { method: 'POST', path: '/provider', body: { down: true } };
    case 'provider-slow':
      return { method: 'POST', path: '/provider', body: { latencyMs: arg ? Number(arg) : 1500 } };
    case 'provider-timeouts':
      return { method: 'POST', path: '/provider', body: { timeout: true } };
    case 'provider-errors': {
      const rate = Number(arg);
      if (!(rate >= 0 && rate <= 1))
        throw new Error(`provider-errors needs a rate between 0 and 1, got "${arg ?? ''}"\n${USAGE}`);
      return { method: 'POST', path: '/provider', body: { errorRate: rate } };
    }
    case 'kill':
      if (!arg) throw new Error(`kill needs a service or instance name\n${USAGE}`);
      return { method: 'POST', path: `/kill/${encodeURIComponent(arg)}` };
    case 'redis-down':
      return { method: 'POST', path: '/redis-down' };
    case 'broker-down':
      return { method: 'POST', path: '/broker-down' };
    case 'redis-master-down':
      return { method: 'POST', path: '/redis-master-down' };
    case 'db-failover':
      return { method: 'POST', path: '/db-failover' };
    case 'reset':
      return { method: 'POST', path: '/reset' };
    case 'status':
      return { method: 'GET', path: '/status' };
    default:
      throw new Error(USAGE);
  }
}

try {
  const request = toRequest(process.argv.slice(2));
  const control = await readFile('.demo/control.json', 'utf8')
    .then((text) => (JSON.parse(text) as { url: string }).url)
    .catch(() => {
      throw new Error('No running demo found (.demo/control.json missing): start it with `npm run demo`.');
    });
  const response = await fetch(`${control}${request.path}`, {
    method: request.method,
    ...(request.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) }),
  }).catch(() => {
    throw new Error(
      `The demo's control channel at ${control} does not answer: is \`npm run demo\` still running?`,
    );
  });
  console.log(JSON.stringify(await response.json(), null, 2));
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
