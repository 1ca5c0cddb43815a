// #15 items 1-2 (the last audit): the official TypeScript SDK 1.x client sees a rug pull of a resource
// template and of an upstream's instructions through the gateway (upstream: io.portcullis.it.DriftServer).
// Usage: node sdk1-drift.mjs <url> <mode>
//   mode "pull": reads the instructions and templates, reads note://1 through the template, calls
//                drift__drift_template (the upstream changes the template and says resources/list_changed),
//                waits for the gateway's notifications/resources/list_changed, lists the templates again
//                and reads note://1 again.
//   mode "look": reads the instructions and templates and reads note://1 through the template.
// Prints one JSON object on stdout; the Java test asserts on it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const [url, mode] = process.argv.slice(2);
const client = new Client({ name: "portcullis-it-sdk1-drift", version: "1.0.0" });
let changed;
const listChanged = new Promise((resolve) => { changed = resolve; });
client.setNotificationHandler(ResourceListChangedNotificationSchema, () => changed(true));
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);

const templates = async () => (await client.listResourceTemplates()).resourceTemplates
  .map((t) => ({ uriTemplate: t.uriTemplate, description: t.description }));
const read = async () => {
  try {
    return { text: (await client.readResource({ uri: "note://1" })).contents[0].text };
  } catch (e) {
    return { error: String(e.message) };
  }
};
const out = { instructions: client.getInstructions() ?? null };
out.templates = await templates();
out.read = await read();
if (mode === "pull") {
  await client.callTool({ name: "drift__drift_template", arguments: {} });
  out.listChanged = await Promise.race([listChanged, new Promise((r) => setTimeout(() => r(false), 30000))]);
  out.templatesAfter = await templates();
  out.readAfter = await read();
}
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
