// #13 items 4, 5: the official TypeScript client 2.x (@modelcontextprotocol/client) pinned to the
// stateless 2026-07-28 era makes a series of calls as one principal (a bearer API key); there is
// no session to tie them together, each call is a request of its own.
// Usage: node client2-conversation.mjs <url> <bearer token> <calls as JSON [{tool, args}]>
// Prints {protocolVersion, sessionId, calls: [{result} | {error}]}.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, token, callsJson] = process.argv.slice(2);
const calls = JSON.parse(callsJson);
const client = new Client(
  { name: "portcullis-it-client2-conversation", version: "2.0.0" },
  { versionNegotiation: { mode: { pin: "2026-07-28" } } },
);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
await client.connect(transport);
const out = { protocolVersion: client.getNegotiatedProtocolVersion(), sessionId: transport.sessionId ?? null, calls: [] };
for (const c of calls) {
  try {
    out.calls.push({ result: await client.callTool({ name: c.tool, arguments: c.args }) });
  } catch (e) {
    out.calls.push({ error: String(e?.message ?? e) });
  }
}
await client.close();
console.log(JSON.stringify(out));
