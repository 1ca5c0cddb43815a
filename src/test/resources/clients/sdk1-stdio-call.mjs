// #13: the official TypeScript SDK 1.x client calls a tool of a stdio MCP server DIRECTLY (no
// gateway), to show what the server itself returns.
// Usage: node sdk1-stdio-call.mjs <tool> <arguments-json> <command> [args...]
// Prints {result} or {error}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [tool, args, command, ...rest] = process.argv.slice(2);
const client = new Client({ name: "portcullis-it-sdk1-direct", version: "1.0.0" });
const transport = new StdioClientTransport({ command, args: rest, stderr: "ignore" });
await client.connect(transport);
let out;
try {
  out = { result: await client.callTool({ name: tool, arguments: JSON.parse(args) }) };
} catch (e) {
  out = { error: String(e?.message ?? e) };
}
await client.close();
console.log(JSON.stringify(out));
