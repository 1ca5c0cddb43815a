// #13 items 4, 5: the official TypeScript SDK 1.x client makes a series of calls as one principal
// (a bearer API key), either each in a NEW session (connect, call, terminate: a client trying to
// shed its history) or all in one session.
// Usage: node sdk1-conversation.mjs <url> <bearer token> <new-session|one-session> <calls as JSON [{tool, args}]>
// Prints {calls: [{result} | {error}], sessions: [session ids]}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, mode, callsJson] = process.argv.slice(2);
const calls = JSON.parse(callsJson);
const out = { calls: [], sessions: [] };

async function open() {
  const client = new Client({ name: "portcullis-it-sdk1-conversation", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  out.sessions.push(transport.sessionId ?? null);
  return { client, transport };
}

async function close({ client, transport }) {
  await transport.terminateSession();
  await client.close();
}

let conn = mode === "one-session" ? await open() : null;
for (const c of calls) {
  const here = conn ?? (await open());
  try {
    out.calls.push({ result: await here.client.callTool({ name: c.tool, arguments: c.args }) });
  } catch (e) {
    out.calls.push({ error: String(e?.message ?? e) });
  }
  if (!conn) {
    await close(here);
  }
}
if (conn) {
  await close(conn);
}
console.log(JSON.stringify(out));
