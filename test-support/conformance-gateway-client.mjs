// The client side of the official conformance suite's client scenarios, run THROUGH THE GATEWAY:
//   conformance client --command "node test-support/conformance-gateway-client.mjs" --scenario NAME
// Here the client under test is Portcullis's own upstream client (issue 17): this script starts a
// Portcullis whose one upstream is the suite's scenario server (prefix "", so names are unchanged),
// with the credentials mode the scenario calls for, and a real MCP client (the TypeScript SDK 1.x,
// Streamable HTTP) drives the scenario's MCP steps through the gateway. The suite's servers see
// only the gateway's HTTP and OAuth requests.
//
// Credentials per scenario (from MCP_CONFORMANCE_SCENARIO and MCP_CONFORMANCE_CONTEXT):
//   auth/*            credentials: {mode: oauth}: the gateway's own OAuth client, client-credentials
//                     grant; the scenario's pre-registered client_id/client_secret when it gives
//                     them, else the gateway registers itself (RFC 7591); its private key
//                     (private_key_jwt) for auth/client-credentials-jwt.
//   everything else   no credentials (the core scenarios: initialize, tools_call, elicitation, sse-retry).
// GATEWAY_CREDENTIALS=user_oauth configures the per-user mode instead, only to show where it stops
// (docs/conformance.md, A: the gateway's own requests to the upstream carry no user token, and
// user_oauth takes its endpoints from the config, without discovery).
// PORTCULLIS_JAR runs that jar on $JAVA_HOME, else PORTCULLIS (default ./portcullis).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';

const url = process.argv[process.argv.length - 1];
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const ctx = process.env.MCP_CONFORMANCE_CONTEXT ? JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT) : {};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-gateway-'));
const env = { ...process.env };
const q = (s) => JSON.stringify(String(s)); // a YAML double-quoted scalar

let credentials = '';
let vault = '';
if (scenario.startsWith('auth/') && process.env.GATEWAY_CREDENTIALS === 'user_oauth') {
  // the per-user mode, to show where it stops (docs/conformance.md, A): user_oauth does no discovery, so
  // its endpoints are the 2025-03-26 fallback addresses at the server's origin; the gateway's own
  // requests (initialize, tools/list) carry no user token, and the suite's server refuses them with 401
  const origin = new URL(url).origin;
  credentials = `    credentials:\n      mode: user_oauth\n      authorization_endpoint: ${q(origin + '/authorize')}\n`
    + `      token_endpoint: ${q(origin + '/token')}\n      client_id: ${q(ctx.client_id ?? 'portcullis')}\n`;
  env.CONFORMANCE_VAULT_KEK = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
  vault = 'vault: {kek: {env: CONFORMANCE_VAULT_KEK}}\n';
} else if (scenario.startsWith('auth/')) {
  credentials = '    credentials:\n      mode: oauth\n';
  if (ctx.client_id) credentials += `      client_id: ${q(ctx.client_id)}\n`;
  if (ctx.client_secret) {
    env.SUITE_CLIENT_SECRET = ctx.client_secret;
    credentials += '      client_secret: {env: SUITE_CLIENT_SECRET}\n';
  }
  if (ctx.private_key_pem) { // auth/client-credentials-jwt: a private_key_jwt client (RFC 7523)
    fs.writeFileSync(path.join(dir, 'client-key.pem'), ctx.private_key_pem, { mode: 0o600 });
    credentials += `      private_key: ${q(path.join(dir, 'client-key.pem'))}\n      private_key_alg: ${q(ctx.signing_algorithm ?? 'ES256')}\n`;
  }
  // the driver's client reaches the open gateway without an identity: it may use the gateway's account
  credentials += '      allow_users: "conformance driver: the gateway\'s own account at the suite\'s server"\n';
}
const config = path.join(dir, 'gateway.yaml');
fs.writeFileSync(config, `server:\n  host: 127.0.0.1\n  data_dir: ${q(path.join(dir, 'data'))}\nupstreams:\n  suite:\n`
  + `    url: ${q(url)}\n    prefix: ""\n${credentials}catalog: {unlisted: allow}\nreadiness: {gate: {enforce: false}}\n${vault}`);

const jar = process.env.PORTCULLIS_JAR;
const [cmd, args] = jar
  ? [path.join(process.env.JAVA_HOME ?? '/usr', 'bin', 'java'), ['--enable-native-access=ALL-UNNAMED', '-jar', jar]]
  : [process.env.PORTCULLIS ?? path.join(root, 'portcullis'), []];
const gateway = spawn(cmd, [...args, 'serve', '--config', config, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
const gatewayUrl = await new Promise((resolve, reject) => {
  const seen = (chunk) => {
    output += chunk;
    process.stderr.write(chunk);
    const m = /Portcullis is listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(output);
    if (m) resolve(m[1]);
  };
  gateway.stdout.on('data', seen);
  gateway.stderr.on('data', seen);
  gateway.on('exit', (code) => reject(new Error(`Portcullis exited (${code}) before listening`)));
});

const client = new Client({ name: 'conformance-gateway-client', version: '1.0.0' },
  { capabilities: scenario.startsWith('elicitation') ? { elicitation: { form: { applyDefaults: true } } } : {} });
if (scenario.startsWith('elicitation')) {
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: {} }));
}
let status = 0;
try {
  await client.connect(new StreamableHTTPClientTransport(new URL(gatewayUrl)));
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  if (scenario.startsWith('auth/') && !names.includes('test-tool')) {
    throw new Error(`the gateway offers no test-tool (offered: ${names.join(', ') || 'none'}): its upstream is not connected`);
  }
  if (names.includes('add_numbers')) await client.callTool({ name: 'add_numbers', arguments: { a: 5, b: 3 } });
  for (const n of ['test-tool', 'test_reconnection', 'test_client_elicitation_defaults']) {
    if (!names.includes(n)) continue;
    const r = await client.callTool({ name: n, arguments: {} });
    if (r.isError) throw new Error(`${n}: ${r.content?.map((c) => c.text).join(' ')}`);
  }
} catch (e) {
  console.error(`conformance-gateway-client: ${e.message}`);
  status = 1;
} finally {
  await client.close().catch(() => {});
  gateway.kill('SIGTERM');
  await new Promise((r) => (gateway.exitCode !== null ? r() : gateway.on('exit', r)));
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
