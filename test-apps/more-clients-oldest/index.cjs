// The libraries of this test app, for fixtures elsewhere to load with its resolution.
const { createClient } = require('redis');
const { graphql, buildSchema } = require('graphql');
const { MongoClient } = require('mongodb');

module.exports = { createClient, graphql, buildSchema, MongoClient };
