/** Free TCP ports on 127.0.0.1 for the demo: the helper of `backends/ports.ts`. */
export { freePort, freePortRange } from '../../backends/ports.ts';
