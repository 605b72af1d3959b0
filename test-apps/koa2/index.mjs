// The libraries of this test app, for fixtures elsewhere to import with its resolution.
export { default as Koa } from 'koa';
export { default as Router } from '@koa/router';
