// A small MCP server of the 2026-07-28 era, built on the TypeScript SDK v2 (@modelcontextprotocol/server),
// for the gateway's tests of upstreams that speak the stateless protocol.
//
//   node modern-upstream.mjs stdio [--modern-only]
//   node modern-upstream.mjs http PORT [--modern-only]      (Streamable HTTP on 127.0.0.1:PORT/mcp)
//
// --modern-only refuses every 2025-era request (the SDK's `legacy: 'reject'`), so a client that did not
// speak 2026-07-28 to it cannot have used it. Tools:
//   echo {message}        -> "echo: <message>"
//   add {a, b}            -> the sum, as text and as structuredContent {sum}
//   inspect {region}      -> JSON text: the request's _meta envelope, its whole _meta, and the MCP headers it came with
//                            (region is declared x-mcp-header: Region, so an HTTP client sends Mcp-Param-Region)
//   confirm {}            -> input_required (an elicitation, key "ok") until retried with inputResponses.ok accepted
//   busy {}               -> input_required carrying only requestState "busy-1"; "done after busy-1" when retried with it
//   grow {}               -> adds a tool extra_<n> and says tools/list_changed
//   chatty {}             -> logs one info line, then answers "chatted"
// A resource modern://<stdio|http>/greeting and a prompt greet {name}.
import http from 'node:http';
import {
  McpServer, createMcpHandler, fromJsonSchema, inputRequired, acceptedContent,
} from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

const [mode, portArg] = process.argv.slice(2);
const modernOnly = process.argv.includes('--modern-only');
const extras = [];
let live = null; // the stdio connection's instance (stdio serves one instance per connection)
let handler = null;

function text(t) {
  return { content: [{ type: 'text', text: t }] };
}

function registerExtra(server, name) {
  server.registerTool(name, { description: `added at run time (${name})`, inputSchema: fromJsonSchema({ type: 'object' }) },
    async () => text(`${name} called`));
}

function build() {
  const server = new McpServer({ name: 'modern-upstream', version: '1.0.0' },
    { capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true }, logging: {} } });
  server.registerTool('echo', {
    description: 'Echoes the message back',
    inputSchema: fromJsonSchema({ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }),
    annotations: { readOnlyHint: true },
  }, async ({ message }) => text(`echo: ${message}`));
  server.registerTool('add', {
    description: 'Adds two numbers',
    inputSchema: fromJsonSchema({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] }),
    annotations: { readOnlyHint: true },
  }, async ({ a, b }) => ({ ...text(String(a + b)), structuredContent: { sum: a + b } }));
  server.registerTool('inspect', {
    description: 'Shows the envelope and MCP headers of this request',
    inputSchema: fromJsonSchema({ type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } } }),
    annotations: { readOnlyHint: true },
  }, async (_args, ctx) => {
    const req = ctx?.http?.req;
    const headers = {};
    if (req && req.headers) {
      for (const h of ['mcp-protocol-version', 'mcp-method', 'mcp-name', 'mcp-param-region', 'mcp-session-id']) {
        const v = req.headers.get(h);
        if (v !== null) headers[h] = v;
      }
    }
    return text(JSON.stringify({ envelope: ctx?.mcpReq?.envelope ?? null, meta: ctx?.mcpReq?._meta ?? null, headers }));
  });
  server.registerTool('confirm', {
    description: 'Asks the client to confirm (2026-07-28 input_required)',
    inputSchema: fromJsonSchema({ type: 'object' }),
  }, async (_args, ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, 'ok');
    if (answer?.ok !== true) {
      return inputRequired({
        inputRequests: {
          ok: inputRequired.elicit({
            message: 'Proceed?',
            requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          }),
        },
        requestState: 'confirm-1',
      });
    }
    return text('confirmed');
  });
  server.registerTool('busy', {
    description: 'Asks to be called again with its requestState (input_required without input requests)',
    inputSchema: fromJsonSchema({ type: 'object' }),
  }, async (_args, ctx) => {
    const value = typeof ctx.mcpReq.requestState === 'function' ? ctx.mcpReq.requestState() : undefined;
    if (value === undefined) {
      return inputRequired({ requestState: 'busy-1' });
    }
    return text(`done after ${value}`);
  });
  server.registerTool('grow', {
    description: 'Adds a tool and says so',
    inputSchema: fromJsonSchema({ type: 'object' }),
  }, async () => {
    const name = `extra_${extras.length + 1}`;
    extras.push(name);
    if (live) {
      registerExtra(live, name); // the stdio instance says tools/list_changed itself
    } else if (handler) {
      handler.notify.toolsChanged();
    }
    return text(`added ${name}`);
  });
  server.registerTool('chatty', {
    description: 'Logs a line, then answers',
    inputSchema: fromJsonSchema({ type: 'object' }),
  }, async (_args, ctx) => {
    await ctx.mcpReq.log('info', 'chatty says hello');
    return text('chatted');
  });
  for (const name of extras) {
    registerExtra(server, name);
  }
  server.registerResource('greeting', `modern://${mode}/greeting`, { description: 'A greeting', mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'hello from a 2026-07-28 server' }] }));
  server.registerPrompt('greet', {
    description: 'Greets someone',
    argsSchema: fromJsonSchema({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }),
  }, async ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}` } }] }));
  return server;
}

if (mode === 'stdio') {
  serveStdio(() => {
    live = build();
    return live;
  }, { legacy: modernOnly ? 'reject' : 'serve' });
} else if (mode === 'http') {
  const port = Number(portArg ?? process.env.PORT);
  handler = createMcpHandler(() => build(), { legacy: modernOnly ? 'reject' : 'stateless' });
  const server = http.createServer(async (req, res) => {
    if (!req.url.startsWith('/mcp')) {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    }
    const body = req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE' ? undefined : Buffer.concat(chunks);
    let response;
    try {
      response = await handler.fetch(new Request(`http://127.0.0.1:${port}${req.url}`,
        { method: req.method, headers, body, signal: abort.signal }));
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
      return;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    res.on('close', () => reader.cancel().catch(() => {}));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      // the client went away
    }
    res.end();
  });
  server.listen(port, '127.0.0.1');
} else {
  console.error('usage: modern-upstream.mjs stdio|http PORT [--modern-only]');
  process.exit(2);
}
