// A real MCP client (the official TypeScript SDK) speaking stdio to a command: used by
// ConnectIT to drive `portcullis connect` the way a desktop client would.
// usage: node stdio-client.mjs '<json array: command and its arguments>' <message> [timeout ms of each request]
// (the SDK's default is 60 s; ConnectDcrIT's first initialize includes a dynamic registration and a sign-in)
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [command, ...args] = JSON.parse(process.argv[2]);
const message = process.argv[3] ?? 'hello';
const options = process.argv[4] ? { timeout: Number(process.argv[4]) } : undefined;
const transport = new StdioClientTransport({ command, args, env: process.env, stderr: 'inherit' });
const client = new Client({ name: 'identity-stdio-client', version: '1.0.0' });
try {
  await client.connect(transport, options);
  const tools = await client.listTools(undefined, options);
  const result = await client.callTool({ name: 'demo__echo', arguments: { message } }, undefined, options);
  console.log(JSON.stringify({
    server: client.getServerVersion()?.name,
    tools: tools.tools.map((t) => t.name),
    echo: result.content?.[0]?.text,
    isError: result.isError ?? false,
  }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e?.message ?? e) }));
  process.exitCode = 1;
} finally {
  await client.close();
}
