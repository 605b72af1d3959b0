// The libraries of this test app, for fixtures elsewhere to import with its resolution.
export { default as mysql } from 'mysql2';
export { default as mysqlPromise } from 'mysql2/promise';
export { default as Redis } from 'ioredis';
