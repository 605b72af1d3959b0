// Test support for sink.test.ts, preloaded before an agent: appends the host of every TCP
// connection, UDP datagram and DNS lookup the process starts to the file named by
// CONNECTION_LOG, one a line, so a test can check that an agent talks to loopback only.
'use strict';

const dgram = require('node:dgram');
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const record = (kind, host) => fs.appendFileSync(process.env.CONNECTION_LOG, `${kind} ${host}\n`);

function hostOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') return first.path ?? first.host ?? 'localhost';
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectLogged(...args) {
  record('tcp', hostOf(args));
  return connect.apply(this, args);
};

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function sendLogged(...args) {
  record('udp', args.find((arg, i) => i > 0 && typeof arg === 'string') ?? 'localhost');
  return send.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function lookupLogged(host, ...rest) {
  record('dns', host);
  return lookup.call(this, host, ...rest);
};
