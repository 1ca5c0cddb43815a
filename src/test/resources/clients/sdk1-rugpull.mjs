// #15 item 1: the official TypeScript SDK 1.x client (Client + StreamableHTTPClientTransport) sees a
// rug pull through the gateway: it lists the tools and calls rug__add, calls rug__pull (the upstream
// changes add's description and says tools/list_changed), waits for the gateway's
// notifications/tools/list_changed, lists again (one refresh) and calls rug__add again.
// Usage: node sdk1-rugpull.mjs <url>
// Prints one JSON object on stdout; the Java test asserts on it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const [url] = process.argv.slice(2);
const client = new Client({ name: "portcullis-it-sdk1-rugpull", version: "1.0.0" });
let changed;
const listChanged = new Promise((resolve) => { changed = resolve; });
client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed(true));
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);

const tools = async () => (await client.listTools()).tools.map((t) => ({ name: t.name, description: t.description }));
const out = {};
out.before = await tools();
out.addBefore = await client.callTool({ name: "rug__add", arguments: { a: 1, b: 2 } });
out.pull = await client.callTool({ name: "rug__pull", arguments: {} });
out.listChanged = await Promise.race([listChanged, new Promise((r) => setTimeout(() => r(false), 30000))]);
out.after = await tools();
out.addAfter = await client.callTool({ name: "rug__add", arguments: { a: 1, b: 2 } });
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
