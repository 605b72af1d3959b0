// The libraries of this test app, for fixtures elsewhere to import with its resolution.
export { createClient } from 'redis';
export { graphql, buildSchema } from 'graphql';
export { MongoClient } from 'mongodb';
