// The official TypeScript SDK 1.x client (Client + StreamableHTTPClientTransport) against a URL:
// lists the tools, calls echo, and calls a long-running tool with an onprogress callback.
// Usage: node sdk1-tools.mjs <url> <echo tool> <long-running tool>
// Prints one JSON object on stdout; the Java test asserts on it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, echoTool, longTool] = process.argv.slice(2);
const client = new Client({ name: "portcullis-it-sdk1", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);

const out = { protocolVersion: transport.protocolVersion, sessionId: transport.sessionId, server: client.getServerVersion() };
out.tools = (await client.listTools()).tools.map((t) => t.name);
out.echo = await client.callTool({ name: echoTool, arguments: { message: "hello through the gateway" } });
const progress = [];
out.long = await client.callTool(
  { name: longTool, arguments: { duration: 1, steps: 3 } },
  undefined,
  { onprogress: (p) => progress.push(p) },
);
out.progress = progress;
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
