// The official TypeScript SDK 1.x client with sampling and elicitation handlers: calls the tools
// that make the server ask the client (sampling/createMessage, elicitation/create) and records
// what the handlers were asked. Those requests travel upstream -> gateway -> this client and back.
// Usage: node sdk1-server-requests.mjs <url> <sampling tool> <elicitation tool>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [url, samplingTool, elicitationTool] = process.argv.slice(2);
const client = new Client(
  { name: "portcullis-it-sdk1-requests", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {} } },
);
const asked = { sampling: [], elicitation: [] };
client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
  asked.sampling.push(req.params);
  return { role: "assistant", content: { type: "text", text: "sampled-by-the-test-client" }, model: "it-model", stopReason: "endTurn" };
});
client.setRequestHandler(ElicitRequestSchema, async (req) => {
  asked.elicitation.push(req.params);
  return { action: "accept", content: { name: "Ada Lovelace", check: true } };
});
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);

const out = { asked };
out.sampling = await client.callTool({ name: samplingTool, arguments: { prompt: "say hi", maxTokens: 20 } });
out.elicitation = await client.callTool({ name: elicitationTool, arguments: {} });
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
