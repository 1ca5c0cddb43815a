// #16 item 1: the official TypeScript SDK 1.x client (2025-11-25) calling a user_oauth tool without a grant.
//   TOKEN=... CAPS='{"elicitation":{"url":{}}}' node url-elicitation-client.mjs <url> <tool> <message>
// Declares the client capabilities given in CAPS, calls the tool once and prints one JSON line with what it
// received: {kind: "urlElicitationRequired", code, message, elicitations} when the SDK raised its
// UrlElicitationRequiredError (-32042), {kind: "error", code, message, data} for another JSON-RPC error,
// {kind: "result", result} for a CallToolResult, and {elicitationRequests: [...]} for any elicitation/create
// the gateway sent the client during the call (answered "decline").
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, UrlElicitationRequiredError, McpError } from '@modelcontextprotocol/sdk/types.js';

const [url, name, message] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${process.env.TOKEN}` };
const capabilities = JSON.parse(process.env.CAPS ?? '{}');
const client = new Client({ name: 'url-elicitation-client', version: '1.0.0' }, { capabilities });
const elicitationRequests = [];
if (capabilities.elicitation) {
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    elicitationRequests.push(req.params);
    return { action: 'decline' };
  });
}
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
await client.connect(transport);
const out = { protocolVersion: transport.protocolVersion ?? null, elicitationRequests };
try {
  out.result = await client.callTool({ name, arguments: { message } });
  out.kind = 'result';
} catch (e) {
  if (e instanceof UrlElicitationRequiredError) {
    Object.assign(out, { kind: 'urlElicitationRequired', code: e.code, message: e.message, elicitations: e.elicitations, data: e.data });
  } else if (e instanceof McpError) {
    Object.assign(out, { kind: 'error', code: e.code, message: e.message, data: e.data });
  } else {
    Object.assign(out, { kind: 'failure', message: String(e) });
  }
}
await transport.terminateSession().catch(() => {});
await client.close();
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
