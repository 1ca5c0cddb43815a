// A real OAuth 2.1 authorization server with RFC 7591 dynamic client registration, for ConnectDcrIT
// (#17: the end-to-end test of `portcullis connect` with a client it must register itself).
// It is oidc-provider (panva, pinned in package.json) with:
//   - registration enabled (open, or refused with `refuse-registration`: an initial access token is
//     then required, which connect does not have, so every registration is answered 401),
//   - resource indicators (RFC 8707): any https resource on 127.0.0.1 gets a JWT access token
//     (RFC 9068, signed RS256 with a key made at start) whose aud is that resource,
//   - PKCE (S256; required of public clients, oidc-provider's default),
//   - an automatic sign-in and consent in place of a login page: every interaction signs in the
//     subject given on the command line and grants what the client asked for, so the test's
//     "browser" only follows redirects (with cookies: the interaction is bound to them).
// usage: node dcr-auth-server.mjs <subject> [refuse-registration]
// Listens on a free port of 127.0.0.1 and prints one line: {"issuer": "http://127.0.0.1:<port>"}.
// Every registration attempt is logged on stderr as `registration <status>`.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const subject = process.argv[2] ?? 'alice';
const refuse = process.argv[3] === 'refuse-registration';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signing = { ...(await jose.exportJWK(privateKey)), kid: 'dcr-test-1', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  jwks: { keys: [signing] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  scopes: ['openid', 'offline_access'],
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true, initialAccessToken: refuse ? 'a-token-connect-does-not-have' : false },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (!/^https:\/\/127\.0\.0\.1:\d+\//.test(resource)) {
          throw new Provider.errors.InvalidTarget(`not a resource of this test: ${resource}`);
        }
        return { scope: 'mcp:tools', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  // refresh tokens for clients that may use them, whatever scope they asked for (the gateway lists none)
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, RefreshToken: 3600, Session: 3600 },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.on('registration_create.success', () => console.error('registration 201'));
provider.on('registration_create.error', (_ctx, err) => console.error(`registration ${err.statusCode} ${err.message}`));
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

/** The automatic user: signs `subject` in, then grants the scopes and resources the request names. */
async function interaction(req, res) {
  try {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params } = details;
    console.error('interaction', prompt.name, JSON.stringify(prompt.details), JSON.stringify(prompt.reasons));
    if (prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: subject } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (e) {
    console.error('interaction failed', e);
    res.statusCode = 500;
    res.end(String(e?.message ?? e));
  }
}

const app = provider.callback();
server.on('request', (req, res) => (req.url.startsWith('/interaction/') ? interaction(req, res) : app(req, res)));
console.log(JSON.stringify({ issuer }));
