// #11 item 20: the official TypeScript SDK 1.x client lists the tools (so it knows their output
// schemas, as the Inspector does) and calls one; the SDK checks that a tool with an outputSchema
// returns structuredContent that satisfies it, and throws when it does not.
// Usage: node sdk1-call-validated.mjs <url> <tool> <arguments-json>
// Prints {result} or {error}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, tool, args] = process.argv.slice(2);
const client = new Client({ name: "portcullis-it-sdk1-validated", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
await client.listTools();
let out;
try {
  out = { result: await client.callTool({ name: tool, arguments: JSON.parse(args) }) };
} catch (e) {
  out = { error: String(e?.message ?? e) };
}
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
