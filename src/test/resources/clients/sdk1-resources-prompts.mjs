// The official TypeScript SDK 1.x client: resources/list + resources/read of the first listed
// resource, prompts/list + prompts/get of a named prompt with arguments.
// Usage: node sdk1-resources-prompts.mjs <url> <prompt name> <prompt args as JSON>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, promptName, promptArgs] = process.argv.slice(2);
const client = new Client({ name: "portcullis-it-sdk1-resources", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);

const out = {};
const resources = (await client.listResources()).resources;
out.resources = resources.map((r) => r.uri);
out.read = await client.readResource({ uri: resources[0].uri });
out.prompts = (await client.listPrompts()).prompts.map((p) => p.name);
out.prompt = await client.getPrompt({ name: promptName, arguments: JSON.parse(promptArgs) });
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
