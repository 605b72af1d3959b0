// The libraries of this test app, for fixtures elsewhere to load with its resolution.
module.exports = { fastify: require('fastify') };
