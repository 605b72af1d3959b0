/** A free TCP port on 127.0.0.1 for the receivers and their users: the helper of `backends/ports.ts`. */
export { freePort } from '../../../backends/ports.ts';
