// The libraries of this test app, for fixtures elsewhere to import with its resolution.
export { default as fastify } from 'fastify';
