// The official TypeScript client 2.x (@modelcontextprotocol/client) in the stateless 2026-07-28 era:
// versionNegotiation is either pinned to 2026-07-28 or 'auto' (probe with server/discover, fall back
// to initialize). Lists the tools and calls one; every HTTP exchange is recorded through a wrapping
// fetch so that the test can check that no session was used.
// Usage: node client2-modern.mjs <url> <pin|auto> <tool> <arguments as JSON>
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, mode, tool, args] = process.argv.slice(2);
const exchanges = [];
const recordingFetch = async (input, init = {}) => {
  const headers = new Headers(init.headers);
  const res = await fetch(input, init);
  let body = null;
  try {
    body = typeof init.body === "string" ? JSON.parse(init.body) : null;
  } catch {
    // not JSON: leave it out
  }
  exchanges.push({
    method: init.method ?? "GET",
    status: res.status,
    rpcMethod: body?.method ?? null,
    protocolVersionHeader: headers.get("mcp-protocol-version"),
    mcpMethodHeader: headers.get("mcp-method"),
    mcpNameHeader: headers.get("mcp-name"),
    sessionHeader: headers.get("mcp-session-id"),
    responseSessionHeader: res.headers.get("mcp-session-id"),
  });
  return res;
};

const client = new Client(
  { name: "portcullis-it-client2", version: "2.0.0" },
  { versionNegotiation: { mode: mode === "pin" ? { pin: "2026-07-28" } : "auto" } },
);
const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: recordingFetch });
await client.connect(transport);
const out = {
  era: client.getProtocolEra(),
  protocolVersion: client.getNegotiatedProtocolVersion(),
  server: client.getServerVersion() ?? null,
  sessionId: transport.sessionId ?? null,
};
out.tools = (await client.listTools()).tools.map((t) => t.name);
out.call = await client.callTool({ name: tool, arguments: JSON.parse(args) });
await client.close();
out.exchanges = exchanges;
console.log(JSON.stringify(out));
