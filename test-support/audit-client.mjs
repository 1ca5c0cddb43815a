// A real MCP client (the official TypeScript SDK) for the audit tests.
//   node audit-client.mjs trace <url> <traceparent> <user-request-id>
//     makes one user request's calls over one session, sending the W3C traceparent header on
//     every HTTP request and the io.portcullis/userRequest _meta key on every call; prints one
//     JSON line per call: {tool, ok, error?}.
//   node audit-client.mjs load <url> <workers> <prefix> [calls-per-second]
//     calls tools in a loop from <workers> sessions until killed or the gateway dies; prints
//     "answered <marker>" the moment each answer arrives (used by the crash tests). With a rate,
//     the workers together offer about that many calls per second (each on its own schedule),
//     else as many as the gateway answers.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [mode, url, a, b, c] = process.argv.slice(2);

async function connect(headers) {
  const client = new Client({ name: 'audit-test-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  return client;
}

if (mode === 'trace') {
  const traceparent = a;
  const meta = { 'io.portcullis/userRequest': { id: b, text: 'Find the login ticket and file a follow-up' } };
  const client = await connect({ traceparent, tracestate: 'portcullis=test' });
  const calls = [
    ['demo__search_tickets', { query: 'login' }],
    ['demo__create_ticket', { project: 'acme-web', title: 'Follow-up on login timeouts' }],
    ['test__read', { m: 'trace-read' }],
    ['test__sleep', { ms: 2000 }],
    ['demo__no_such_tool', { m: 'trace-unknown' }],
  ];
  for (const [name, args] of calls) {
    try {
      const r = await client.callTool({ name, arguments: args, _meta: meta });
      console.log(JSON.stringify({ tool: name, ok: !r.isError }));
    } catch (e) {
      console.log(JSON.stringify({ tool: name, ok: false, error: String(e.message) }));
    }
  }
  await client.close();
} else if (mode === 'load') {
  const workers = Number(a);
  const prefix = b;
  const interval = c ? (workers * 1000) / Number(c) : 0; // ms between one worker's calls
  let n = 0;
  const one = async (w) => {
    const client = await connect({});
    let next = Date.now() + (interval * w) / workers;
    for (;;) {
      if (interval > 0) {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        next += interval;
      }
      const i = n++;
      const marker = `${prefix}-${w}-${i}`;
      const [name, args] = i % 3 === 0
        ? ['demo__create_ticket', { project: 'load', title: marker }]
        : ['demo__echo', { message: marker }];
      await client.callTool({ name, arguments: args });
      process.stdout.write(`answered ${marker}\n`);
    }
  };
  await Promise.allSettled(Array.from({ length: workers }, (_, w) => one(w)));
  process.exit(0);
} else {
  console.error('usage: audit-client.mjs trace <url> <traceparent> <user-request-id> | load <url> <workers> <prefix> [calls-per-second]');
  process.exit(2);
}
