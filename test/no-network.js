// Loaded with --require into a process the tests run (the Serverless Devs CLI): any
// connection or DNS query to a host other than loopback throws before a packet leaves,
// and is written to NO_NETWORK_LOG, so a test can assert what the process tried.
const net = require('node:net');
const dns = require('node:dns');
const fs = require('node:fs');
const log = process.env.NO_NETWORK_LOG;
const loopback = (h) => !h || h === 'localhost' || /^127\./.test(h) || h === '::1';
const note = (what) => { if (log) fs.appendFileSync(log, what + '\n'); };
const origConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = typeof args[0] === 'object' ? args[0] : { port: args[0], host: args[1] };
  if (o && !o.path && !loopback(o.host)) { note(`connect ${o.host}:${o.port}`); throw new Error(`network blocked: ${o.host}`); }
  return origConnect.apply(this, args);
};
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  const orig = dns[name];
  dns[name] = function (host, ...rest) {
    if (!loopback(host)) { note(`dns ${host}`); const cb = rest[rest.length - 1]; const e = Object.assign(new Error(`network blocked: ${host}`), { code: 'ENOTFOUND' }); if (typeof cb === 'function') return process.nextTick(() => cb(e)); throw e; }
    return orig.call(this, host, ...rest);
  };
}
