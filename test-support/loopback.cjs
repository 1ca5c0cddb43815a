'use strict';
/*
 * loopback.cjs — Node preload that forces every TCP listener onto loopback.
 *
 * Usage:
 *   node --require /abs/path/test-support/loopback.cjs some-server.js ...
 *   NODE_OPTIONS="--require /abs/path/test-support/loopback.cjs" npx some-bin ...
 *     (NODE_OPTIONS also covers child node processes the program spawns.)
 *
 * Patches net.Server.prototype.listen, which http.Server, https.Server and
 * http2 servers inherit, so express / hono / raw http servers are all covered
 * even if they ask for 0.0.0.0, '::', a public hostname, or no host at all.
 * IPC listeners (unix socket path / named pipe) and pre-opened handles/fds
 * are left alone.
 *
 * Env:
 *   LOOPBACK_HOST   address to force (default 127.0.0.1)
 *   LOOPBACK_DEBUG  if set, log each rewrite to stderr (never stdout: stdio MCP
 *                   servers use stdout for JSON-RPC)
 */
const net = require('node:net');

const HOST = process.env.LOOPBACK_HOST || '127.0.0.1';
const DEBUG = !!process.env.LOOPBACK_DEBUG;
const PATCHED = Symbol.for('portcullis.loopback.patched');

function log(msg) {
  if (DEBUG) process.stderr.write(`[loopback] ${msg}\n`);
}

function isPort(v) {
  return typeof v === 'number' || (typeof v === 'string' && v !== '' && /^\d+$/.test(v));
}

function rewrite(args) {
  // listen() / listen(cb): would bind the unspecified address on a random port.
  if (args.length === 0 || typeof args[0] === 'function') {
    log(`listen(<no port>) -> ${HOST}:0`);
    return [0, HOST, ...args];
  }
  const first = args[0];

  // listen(options[, cb])
  if (first !== null && typeof first === 'object') {
    // Handle objects (net.Server, socket, {_handle}, {fd}) or IPC path: untouched.
    if (first.path !== undefined || first.fd !== undefined || first._handle !== undefined ||
        first.handle !== undefined ||
        first instanceof net.Server || first instanceof net.Socket) {
      return args;
    }
    if (first.port === undefined && first.host === undefined) {
      // Some other handle-ish object; leave it to Node.
      return args;
    }
    const opts = { ...first, host: HOST };
    delete opts.ipv6Only;
    log(`listen({host: ${JSON.stringify(first.host)}, port: ${first.port}}) -> ${HOST}`);
    return [opts, ...args.slice(1)];
  }

  // listen(port[, host][, backlog][, cb])
  if (isPort(first) || first === undefined || first === null) {
    const rest = args.slice(1);
    if (typeof rest[0] === 'string' || (rest.length > 0 && rest[0] == null)) {
      log(`listen(${first}, ${JSON.stringify(rest[0])}) -> ${HOST}`);
      rest[0] = HOST;
    } else {
      // host omitted (next arg is backlog, callback or nothing)
      log(`listen(${first}) -> ${HOST}`);
      rest.unshift(HOST);
    }
    return [first == null ? 0 : first, ...rest];
  }

  // listen(path[, backlog][, cb]) — unix socket / named pipe: untouched.
  return args;
}

if (!net.Server.prototype[PATCHED]) {
  const originalListen = net.Server.prototype.listen;
  net.Server.prototype.listen = function loopbackListen(...args) {
    return originalListen.apply(this, rewrite(args));
  };
  Object.defineProperty(net.Server.prototype, PATCHED, { value: true });
}

module.exports = { HOST, rewrite };
