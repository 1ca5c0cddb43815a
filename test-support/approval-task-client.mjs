// A real MCP client (the official TypeScript SDK 1.x, 2025-11-25) making a task-augmented call.
//   TOKEN=... node approval-task-client.mjs <url> <tool> <arguments-json>
// Calls the tool with `task: {ttl: 60000}` through client.experimental.tasks.callToolStream, which
// creates the task, polls tasks/get and fetches tasks/result; prints one JSON line per event
// ({type: taskCreated|taskStatus|result|error, ...}) the moment it arrives, then exits.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';

const [url, name, args] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${process.env.TOKEN}` };
const client = new Client({ name: 'approval-task-client', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
print({ type: 'connected', capabilities: client.getServerCapabilities() });
const stream = client.experimental.tasks.callToolStream({ name, arguments: JSON.parse(args) }, CallToolResultSchema,
  { task: { ttl: 60000 }, timeout: 120000 });
for await (const event of stream) {
  if (event.type === 'error') {
    print({ type: 'error', error: String(event.error?.message ?? event.error) });
  } else {
    print(event);
  }
}
await client.close();
process.exit(0);
