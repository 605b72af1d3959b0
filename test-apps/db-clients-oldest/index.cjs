// The libraries of this test app, for fixtures elsewhere to load with its resolution.
module.exports = {
  mysql: require('mysql2'),
  mysqlPromise: require('mysql2/promise'),
  Redis: require('ioredis'),
};
