// #19 item 2: what the TypeScript SDK 1.x sees for a call in flight on a gateway node that is killed.
//   node in-flight-client.mjs <url> <tool> [streaming <progress file>]
// Opens a legacy Streamable HTTP session, calls blocking__echo once (so that the next POST goes over
// a kept-alive connection, as in any real session), then calls blocking__<tool>, which the upstream
// never answers: the test kills the node meanwhile. With "streaming" the call asks for progress (the
// gateway then answers it as an SSE stream) and writes <progress file> when the progress arrives (the
// test's signal that the stream's 200 and first event reached the client). Prints one JSON line:
//   {echo: <text>, blocked: {ok: true} | {error: <message>, cause: <cause message or null>, code: <code or null>}}
const [url, tool, streaming, progressFile] = process.argv.slice(2);
const { writeFileSync } = await import('node:fs');
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
const client = new Client({ name: 'in-flight-client', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url));
const errors = [];
await client.connect(transport);
client.onerror = (e) => errors.push(String(e.message));
const out = {};
const echo = await client.callTool({ name: 'blocking__echo', arguments: { message: 'before-the-kill' } });
out.echo = echo.content?.[0]?.text ?? null;
const options = { timeout: 90000 };
if (streaming === 'streaming') {
  options.onprogress = () => writeFileSync(progressFile, 'progress\n');
}
try {
  await client.callTool({ name: `blocking__${tool}`, arguments: {} }, undefined, options);
  out.blocked = { ok: true };
} catch (e) {
  out.blocked = { error: String(e.message), cause: e.cause ? String(e.cause.message ?? e.cause) : null, code: e.code ?? null };
}
out.transportErrors = errors;
console.log(JSON.stringify(out));
process.exit(0); // the GET stream of the dead node's session is not closed politely
