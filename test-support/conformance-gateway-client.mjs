// The client side of the official conformance suite's client scenarios, run THROUGH THE GATEWAY:
//   conformance client --command "node test-support/conformance-gateway-client.mjs" --scenario NAME
// Here the client under test is Portcullis's own upstream client (issue 17): this script starts a
// Portcullis whose one upstream is the suite's scenario server (prefix "", so names are unchanged),
// with the credentials mode the scenario calls for, and a real MCP client (the TypeScript SDK 1.x,
// Streamable HTTP) drives the scenario's MCP steps through the gateway. The suite's servers see
// only the gateway's HTTP and OAuth requests.
//
// Credentials per scenario (from MCP_CONFORMANCE_SCENARIO and MCP_CONFORMANCE_CONTEXT):
//   auth/* authorization-code scenarios (issue 17, task h3)
//                     credentials: {mode: user_oauth} without endpoints: the gateway discovers the
//                     scenario's authorization server and registers itself (pre-registered when the
//                     context gives a client, else a client ID metadata document or RFC 7591). The
//                     driver's user (a JWT of an issuer this script serves on 127.0.0.1) calls
//                     test-tool, is given the consent link, "opens" it with plain GETs that follow the
//                     redirects (the suite's authorization endpoint approves at once and sends the
//                     browser to the gateway's /oauth/callback), then lists and calls again on its own
//                     per-user upstream connection.
//   auth/client-credentials-*, auth/pre-registration, auth/resource-mismatch, auth/cross-app-access-*
//                     credentials: {mode: oauth}: the gateway's own OAuth client, client-credentials
//                     grant; the scenario's pre-registered client_id/client_secret when it gives
//                     them, else the gateway registers itself (RFC 7591); its private key
//                     (private_key_jwt) for auth/client-credentials-jwt.
//   everything else   no credentials (the core scenarios: initialize, tools_call, elicitation, sse-retry).
// GATEWAY_CREDENTIALS=user_oauth or =oauth forces one mode for every auth/ scenario.
// PORTCULLIS_JAR runs that jar on $JAVA_HOME, else PORTCULLIS (default ./portcullis).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import * as jose from 'jose';

const url = process.argv[process.argv.length - 1];
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const ctx = process.env.MCP_CONFORMANCE_CONTEXT ? JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT) : {};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-gateway-'));
const env = { ...process.env };
const q = (s) => JSON.stringify(String(s)); // a YAML double-quoted scalar

// the scenarios where the gateway's own identity is what is tested (client credentials, no user)
const serviceScenarios = ['auth/client-credentials-basic', 'auth/client-credentials-jwt', 'auth/pre-registration',
  'auth/resource-mismatch', 'auth/cross-app-access-complete-flow'];
const perUser = scenario.startsWith('auth/') && (process.env.GATEWAY_CREDENTIALS === 'user_oauth'
  || (process.env.GATEWAY_CREDENTIALS !== 'oauth' && !serviceScenarios.includes(scenario)));
let credentials = '';
let vault = '';
let identity = '';
let userToken = null;
let issuerServer = null;
if (perUser) {
  // the per-user mode (task h3): no endpoints, so the gateway discovers them from the upstream's 401
  credentials = '    credentials:\n      mode: user_oauth\n';
  if (ctx.client_id) credentials += `      client_id: ${q(ctx.client_id)}\n`;
  if (ctx.client_secret) {
    env.SUITE_CLIENT_SECRET = ctx.client_secret;
    credentials += '      client_secret: {env: SUITE_CLIENT_SECRET}\n';
  }
  if (!ctx.client_id) credentials += `      client_metadata_url: ${q('https://conformance-test.local/client-metadata.json')}\n`;
  env.CONFORMANCE_VAULT_KEK = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
  vault = 'vault: {kek: {env: CONFORMANCE_VAULT_KEK}}\n';
  // the driver's user: a JWT of an issuer whose JWKS this script serves on 127.0.0.1
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256');
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'driver', alg: 'ES256', use: 'sig' };
  issuerServer = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise((r) => issuerServer.listen(0, '127.0.0.1', r));
  const iss = `http://127.0.0.1:${issuerServer.address().port}`;
  userToken = await new jose.SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'driver' }).setIssuer(iss)
    .setSubject('conformance-user').setAudience('conformance-driver').setIssuedAt().setExpirationTime('30m').sign(privateKey);
  identity = `identity:\n  issuers:\n    - issuer: ${q(iss)}\n      jwks_uri: ${q(iss + '/jwks')}\n`
    + '      audience: [conformance-driver]\n      kind: user\n';
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
  + `    url: ${q(url)}\n    prefix: ""\n${credentials}catalog: {unlisted: allow}\nreadiness: {gate: {enforce: false}}\n${vault}${identity}`);

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
const text = (r) => (r.content ?? []).map((c) => c.text ?? '').join(' ');
// opens the consent link of a refused call with plain GETs following the redirects; false when it has none
async function consented(r) {
  const link = /(https?:\/\/[^\s]+\/oauth\/connect\/[^\s?]+\?ticket=[A-Za-z0-9_-]+)/.exec(text(r));
  if (!r.isError || !link) return false;
  const page = await fetch(link[1], { redirect: 'follow' });
  const body = (await page.text()).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  if (page.status !== 200) throw new Error(`the consent link ended in HTTP ${page.status}: ${body}`);
  return true;
}
let status = 0;
try {
  await client.connect(new StreamableHTTPClientTransport(new URL(gatewayUrl),
    userToken ? { requestInit: { headers: { Authorization: `Bearer ${userToken}` } } } : {}));
  let { tools } = await client.listTools();
  // no grant yet (or the upstream asked for more scope when listing): the call is refused with the consent
  // link (caller-only), which the "browser" opens; bounded, as a user would give up
  for (let attempt = 0; perUser && attempt < 6 && !tools.some((t) => t.name === 'test-tool'); attempt++) {
    const r = await client.callTool({ name: 'test-tool', arguments: {} })
      .catch((e) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
    if (!(await consented(r))) {
      if (attempt === 0) throw new Error(`test-tool before consent: expected the consent link, got: ${text(r)}`);
      console.error(`conformance-gateway-client: no further consent offered: ${text(r)}`);
      break;
    }
    ({ tools } = await client.listTools());
  }
  const names = tools.map((t) => t.name);
  if (scenario.startsWith('auth/') && !names.includes('test-tool')) {
    throw new Error(`the gateway offers no test-tool (offered: ${names.join(', ') || 'none'}): its upstream is not connected`);
  }
  if (names.includes('add_numbers')) await client.callTool({ name: 'add_numbers', arguments: { a: 5, b: 3 } });
  for (const n of ['test-tool', 'test_reconnection', 'test_client_elicitation_defaults']) {
    if (!names.includes(n)) continue;
    let r = await client.callTool({ name: n, arguments: {} })
      .catch((e) => { if (!perUser) throw e; return { isError: true, content: [{ type: 'text', text: e.message }] }; });
    // a step-up (task h3): the upstream's 403 insufficient_scope fails the call; the next call carries a
    // consent link for the larger scope, which the "browser" opens; bounded, as a user would give up
    for (let attempt = 0; perUser && r.isError && attempt < 6; attempt++) {
      await consented(r);
      // the failed call itself comes back as a JSON-RPC error (the upstream's 403): read it as a refusal
      r = await client.callTool({ name: n, arguments: {} })
        .catch((e) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
    }
    if (r.isError) throw new Error(`${n}: ${text(r)}`);
  }
} catch (e) {
  console.error(`conformance-gateway-client: ${e.message}`);
  status = 1;
} finally {
  await client.close().catch(() => {});
  gateway.kill('SIGTERM');
  await new Promise((r) => (gateway.exitCode !== null ? r() : gateway.on('exit', r)));
  fs.rmSync(dir, { recursive: true, force: true });
  issuerServer?.close();
}
process.exit(status);
