// #19: real MCP clients through the load balancer in front of a Portcullis cluster.
//   node cluster-client.mjs legacy <url> <bearer> <prefix> <calls>
//     the TypeScript SDK 1.x (@modelcontextprotocol/sdk): ONE legacy Streamable HTTP session,
//     <calls> tools/call of demo__echo with message <prefix>-<i>, then the session is ended.
//   node cluster-client.mjs stateless <url> <bearer> <prefix> <calls>
//     the TypeScript client 2.x (@modelcontextprotocol/client) pinned to 2026-07-28 (stateless).
// Prints one JSON line: {ok: <calls that succeeded>, failed: [{i, error}], session: <id or null>}.
const [mode, url, bearer, prefix, count] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${bearer}` };
const calls = Number(count);
let client;
let transport;
if (mode === 'legacy') {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  client = new Client({ name: 'cluster-it-sdk1', version: '1.0.0' });
  transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
} else {
  const sdk2 = await import('@modelcontextprotocol/client');
  client = new sdk2.Client({ name: 'cluster-it-sdk2', version: '2.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  transport = new sdk2.StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
}
let ok = 0;
const failed = [];
for (let i = 0; i < calls; i++) {
  try {
    const r = await client.callTool({ name: 'demo__echo', arguments: { message: `${prefix}-${i}` } });
    if (r.isError) {
      failed.push({ i, error: JSON.stringify(r.content) });
    } else {
      ok++;
    }
  } catch (e) {
    failed.push({ i, error: String(e.message) });
  }
}
const session = transport.sessionId ?? null;
if (mode === 'legacy') {
  await transport.terminateSession().catch(() => {});
}
await client.close();
console.log(JSON.stringify({ ok, failed, session }));
