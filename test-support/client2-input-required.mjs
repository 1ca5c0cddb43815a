// The official TypeScript client 2.x (@modelcontextprotocol/client) pinned to 2026-07-28, with a
// sampling and an elicitation handler: calls the tools whose upstream asks the client during the
// call. In 2026-07-28 the gateway answers such a call `input_required`; the client's
// multi-round-trip driver runs its handler and retries with inputResponses + requestState.
// Records what the handlers were asked and every POST (its JSON-RPC method, whether it carried
// requestState / inputResponses, and the resultType it got back).
// Usage: node client2-input-required.mjs <url> <bearer token> <sampling tool> <elicitation tool>
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, token, samplingTool, elicitationTool] = process.argv.slice(2);
const posts = [];
const recordingFetch = async (input, init = {}) => {
  const res = await fetch(input, init);
  let body = null;
  try {
    body = typeof init.body === "string" ? JSON.parse(init.body) : null;
  } catch {
    // not JSON: leave it out
  }
  let resultType = null;
  if (body?.method === "tools/call" && res.headers.get("content-type")?.startsWith("application/json")) {
    resultType = (await res.clone().json())?.result?.resultType ?? null;
  }
  posts.push({
    rpcMethod: body?.method ?? null,
    name: body?.params?.name ?? null,
    status: res.status,
    hasRequestState: typeof body?.params?.requestState === "string",
    inputResponseKeys: Object.keys(body?.params?.inputResponses ?? {}),
    resultType,
  });
  return res;
};

const client = new Client(
  { name: "portcullis-it-client2-mrtr", version: "2.0.0" },
  { capabilities: { sampling: {}, elicitation: {} }, versionNegotiation: { mode: { pin: "2026-07-28" } } },
);
const asked = { sampling: [], elicitation: [] };
client.setRequestHandler("sampling/createMessage", async (request) => {
  asked.sampling.push(request.params);
  return { role: "assistant", content: { type: "text", text: "sampled-by-the-2026-client" }, model: "mrtr-model", stopReason: "endTurn" };
});
client.setRequestHandler("elicitation/create", async (request) => {
  asked.elicitation.push(request.params);
  return { action: "accept", content: { name: "Grace Hopper", check: true } };
});

const transport = new StreamableHTTPClientTransport(new URL(url), {
  fetch: recordingFetch,
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
await client.connect(transport);
const out = { protocolVersion: client.getNegotiatedProtocolVersion(), asked };
out.sampling = await client.callTool({ name: samplingTool, arguments: { prompt: "say hi", maxTokens: 20 } });
out.elicitation = await client.callTool({ name: elicitationTool, arguments: {} });
await client.close();
out.posts = posts;
console.log(JSON.stringify(out));
