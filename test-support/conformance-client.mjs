// The client side of the official conformance suite's client scenarios, run as
//   conformance client --command "node test-support/conformance-client.mjs" --scenario NAME
// A desktop-style MCP client (the TypeScript SDK 1.x over stdio) drives `portcullis connect URL`,
// which is the client under test: the suite's scenario server sees only connect's HTTP requests.
// The scenario name comes in MCP_CONFORMANCE_SCENARIO and its credentials (pre-registered client,
// client-credentials secrets or key) in MCP_CONFORMANCE_CONTEXT; they become connect's options.
// The authorization endpoint of the suite redirects at once, so the "browser" is
// test-support/follow-redirects.mjs. PORTCULLIS (default: ./portcullis) picks the launcher, or
// PORTCULLIS_JAR a jar.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';

const url = process.argv[process.argv.length - 1];
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const ctx = process.env.MCP_CONFORMANCE_CONTEXT ? JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT) : {};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const launcher = process.env.PORTCULLIS ?? path.join(root, 'portcullis');
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-connect-'));
const env = { ...process.env };

const args = ['connect', url, '--token-cache', path.join(cache, 'tokens.json'), '--login-timeout', '20',
  '--browser', `${process.execPath} ${path.join(root, 'test-support', 'follow-redirects.mjs')}`];
if (process.env.CONNECT_BASELINE) {
  // the options `connect` had before issue 17: OAuth only with a pre-registered client id
  if (scenario.startsWith('auth/')) args.push('--client-id', ctx.client_id ?? 'test-client');
} else {
  args.push('--client-name', 'portcullis-connect-conformance',
    '--client-metadata-url', 'https://conformance-test.local/client-metadata.json');
  if (ctx.client_id) args.push('--client-id', ctx.client_id);
  if (ctx.client_secret) { env.CONFORMANCE_CLIENT_SECRET = ctx.client_secret; args.push('--client-secret-env', 'CONFORMANCE_CLIENT_SECRET'); }
  if (ctx.private_key_pem) {
    fs.writeFileSync(path.join(cache, 'key.pem'), ctx.private_key_pem, { mode: 0o600 });
    args.push('--private-key', path.join(cache, 'key.pem'), '--private-key-alg', ctx.signing_algorithm ?? 'ES256');
  }
  if (scenario.startsWith('auth/client-credentials')) args.push('--grant', 'client_credentials');
  if (ctx.idp_id_token) { // SEP-990 (auth/cross-app-access-complete-flow): the IdP's ID token, exchanged for an ID-JAG
    env.CONFORMANCE_IDP_ID_TOKEN = ctx.idp_id_token;
    args.push('--grant', 'enterprise', '--id-token-env', 'CONFORMANCE_IDP_ID_TOKEN',
      '--idp-token-endpoint', ctx.idp_token_endpoint, '--idp-client-id', ctx.idp_client_id);
  }
}

const client = new Client({ name: 'conformance-stdio-client', version: '1.0.0' },
  { capabilities: scenario.startsWith('elicitation') ? { elicitation: { form: { applyDefaults: true } } } : {} });
if (scenario.startsWith('elicitation')) {
  // accept with nothing filled in: the SDK applies the schema's defaults (SEP-1034)
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: {} }));
}
// PORTCULLIS_JAR (set by ConformanceClientIT) runs that jar on $JAVA_HOME instead of the launcher script
const jar = process.env.PORTCULLIS_JAR;
const transport = jar
  ? new StdioClientTransport({ command: path.join(process.env.JAVA_HOME ?? '/usr', 'bin', 'java'),
      args: ['--enable-native-access=ALL-UNNAMED', '-jar', jar, ...args], env, stderr: 'inherit' })
  : new StdioClientTransport({ command: launcher, args, env, stderr: 'inherit' });
let status = 0;
try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  if (names.includes('add_numbers')) await client.callTool({ name: 'add_numbers', arguments: { a: 5, b: 3 } });
  for (const n of ['test-tool', 'test_reconnection', 'test_client_elicitation_defaults']) {
    if (names.includes(n)) await client.callTool({ name: n, arguments: {} });
  }
} catch (e) {
  console.error(`conformance-client: ${e.message}`);
  status = 1;
} finally {
  await client.close().catch(() => {});
  fs.rmSync(cache, { recursive: true, force: true });
}
process.exit(status);
