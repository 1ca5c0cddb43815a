package io.portcullis.config;

import static io.portcullis.config.ConfigReaderTest.problems;
import static io.portcullis.config.ConfigReaderTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** #16 item 1 (C1.2): {@code upstreams.<name>.credentials} is read, and every bad value is refused with its line. */
class CredentialsConfigTest {
    static final String HTTP = "upstreams:\n  crm:\n    url: https://crm.example.com/mcp\n";

    @Test
    void tokenExchangeIsRead() throws Exception {
        UpstreamConfig u = read(HTTP + """
                    credentials:
                      mode: token_exchange
                      token_endpoint: https://sso.example.com/oauth2/token
                      client_id: portcullis
                      client_secret: {env: PORTCULLIS_EXCHANGE_SECRET}
                      audience: https://crm.example.com/mcp
                      scope: crm.read
                      refresh_before: 1m
                """).upstreams().get("crm");
        UpstreamCredentials c = u.credentials();
        assertThat(c.mode()).isEqualTo(UpstreamCredentials.Mode.TOKEN_EXCHANGE);
        assertThat(c.tokenEndpoint()).isEqualTo(URI.create("https://sso.example.com/oauth2/token"));
        assertThat(c.clientId()).isEqualTo("portcullis");
        assertThat(c.clientSecret().envVar()).isEqualTo("PORTCULLIS_EXCHANGE_SECRET");
        assertThat(c.audience()).isEqualTo("https://crm.example.com/mcp");
        assertThat(c.scope()).isEqualTo("crm.read");
        assertThat(c.refreshBefore()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void serviceNoneAndUndeclaredAreRead() throws Exception {
        UpstreamCredentials s = read(HTTP + "    credentials: {mode: service, token: {file: crm.token}, allow_users: \"ticket SEC-42\"}\n")
                .upstreams().get("crm").credentials();
        assertThat(s.mode()).isEqualTo(UpstreamCredentials.Mode.SERVICE);
        assertThat(s.token().file()).isNotNull();
        assertThat(s.usersAllowed()).isTrue();
        assertThat(s.usersReason()).isEqualTo("ticket SEC-42");
        assertThat(read(HTTP + "    credentials: {mode: service, token: {env: CRM}}\n").upstreams().get("crm").credentials()
                .usersAllowed()).isFalse();
        assertThat(read(HTTP + "    credentials: {mode: none}\n").upstreams().get("crm").credentials()).isEqualTo(UpstreamCredentials.NONE);
        assertThat(read(HTTP).upstreams().get("crm").credentials()).isNull();
        // a change of credentials applies live: each call's credential comes from the snapshot it was decided on
        UpstreamConfig before = read(HTTP).upstreams().get("crm");
        UpstreamConfig after = read(HTTP + "    credentials: {mode: none}\n").upstreams().get("crm");
        assertThat(before.sameConnectionAs(after)).isTrue();
    }

    /** #16 items 1, 2: user_oauth with its vault. */
    @Test
    void userOauthIsReadWithItsVault() throws Exception {
        GatewayConfig c = read(HTTP + """
                    credentials:
                      mode: user_oauth
                      authorization_endpoint: https://as.example/authorize
                      token_endpoint: https://as.example/token
                      client_id: portcullis
                      client_secret: {env: AS_SECRET}
                      scope: "tickets:read offline_access"
                      audience: https://crm.example.com/mcp
                vault:
                  kek: {env: PORTCULLIS_VAULT_KEK}
                  previous_kek: {file: old.kek}
                """);
        UpstreamCredentials u = c.upstreams().get("crm").credentials();
        assertThat(u.mode()).isEqualTo(UpstreamCredentials.Mode.USER_OAUTH);
        assertThat(u.authorizationEndpoint()).hasToString("https://as.example/authorize");
        assertThat(u.scopeKey()).isEqualTo("tickets:read offline_access");
        assertThat(c.vault().kek().envVar()).isEqualTo("PORTCULLIS_VAULT_KEK");
        assertThat(c.vault().previous().file().getFileName()).hasToString("old.kek");
    }

    /** Issue 17 item 1: the gateway's own OAuth client at the upstream (client credentials), and the documented example. */
    @Test
    void oauthIsReadAndTheDocumentedExampleIsValid() throws Exception {
        UpstreamCredentials o = read(HTTP + "    credentials: {mode: oauth, client_id: gw, client_secret: {env: S}, auth_method: "
                + "client_secret_post, scope: \"files:read\", allow_users: \"one service account for the team\"}\n")
                .upstreams().get("crm").credentials();
        assertThat(o.mode()).isEqualTo(UpstreamCredentials.Mode.OAUTH);
        assertThat(o.clientId()).isEqualTo("gw");
        assertThat(o.clientSecret().envVar()).isEqualTo("S");
        assertThat(o.authMethod()).isEqualTo("client_secret_post");
        assertThat(o.scope()).isEqualTo("files:read");
        assertThat(o.usersAllowed()).isTrue();
        assertThat(read(HTTP + "    credentials: {mode: oauth}\n").upstreams().get("crm").credentials().clientId())
                .as("no client id: dynamic registration").isNull();

        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/operations/credentials.md"));
        String section = doc.substring(doc.indexOf("## The gateway's own OAuth client at an upstream (`oauth`)"));
        String yaml = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```\n", section.indexOf("```yaml") + 8));
        GatewayConfig c = read(yaml);
        assertThat(c.upstreams().get("files").credentials().mode()).isEqualTo(UpstreamCredentials.Mode.OAUTH);
        assertThat(c.upstreams().get("files").credentials().clientSecret().envVar()).isEqualTo("FILES_CLIENT_SECRET");
    }

    /** Issue 17 (task h4): mode oauth with a private_key_jwt client (RFC 7523), as the suite's auth/client-credentials-jwt asks. */
    @Test
    void oauthWithAPrivateKeyIsRead() throws Exception {
        UpstreamCredentials o = read(HTTP + "    credentials: {mode: oauth, client_id: gw, private_key: keys/gw.pem, private_key_alg: RS256}\n")
                .upstreams().get("crm").credentials();
        assertThat(o.clientId()).isEqualTo("gw");
        assertThat(o.clientSecret()).isNull();
        assertThat(o.privateKey()).isNotNull();
        assertThat(o.privateKey().endsWith(java.nio.file.Path.of("keys", "gw.pem"))).isTrue();
        assertThat(o.privateKeyAlg()).isEqualTo("RS256");
        assertThat(o.authMethod()).isNull();
        assertThat(read(HTTP + "    credentials: {mode: oauth, client_id: gw, private_key: gw.pem, auth_method: private_key_jwt}\n")
                .upstreams().get("crm").credentials().privateKeyAlg()).as("the default algorithm").isEqualTo("ES256");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "credentials: {}|4: 'credentials' needs 'mode'",
        "credentials: token|4: 'credentials' must be a mapping",
        "credentials: {mode: magic}|4: 'mode' must be token_exchange, user_oauth, service, oauth or none; got 'magic'",
        "credentials: {mode: oauth, client_id: gw}|4: mode oauth with 'client_id' needs 'client_secret'",
        "credentials: {mode: oauth, client_secret: {env: S}}|4: mode oauth: 'client_secret' needs 'client_id'",
        "credentials: {mode: oauth, client_id: gw, client_secret: {env: S}, auth_method: private_key_jwt}|4: 'auth_method' private_key_jwt needs 'private_key'",
        "credentials: {mode: oauth, client_id: gw, client_secret: {env: S}, auth_method: none}|4: 'auth_method' must be client_secret_basic, client_secret_post or private_key_jwt",
        "credentials: {mode: oauth, private_key: gw.pem}|4: mode oauth: 'private_key' needs 'client_id'",
        "credentials: {mode: oauth, client_id: gw, client_secret: {env: S}, private_key: gw.pem}|4: mode oauth: 'client_secret' and 'private_key' exclude each other",
        "credentials: {mode: oauth, token_endpoint: 'https://x/t'}|4: unknown key 'token_endpoint'",
        // issue 17 (task h3): without endpoints user_oauth discovers them; with one, the others are needed
        "credentials: {mode: user_oauth, token_endpoint: 'https://a/token'}|4: mode user_oauth with configured endpoints needs 'authorization_endpoint', 'token_endpoint' and 'client_id'",
        "credentials: {mode: user_oauth, client_secret: {env: S}}|4: mode user_oauth: 'client_secret' needs 'client_id'",
        "credentials: {mode: user_oauth, client_metadata_url: 'http://a/client.json'}|4: 'client_metadata_url' must be an https:// URL",
        "credentials: {mode: user_oauth, authorization_endpoint: 'https://a/authorize', token_endpoint: 'https://a/token', client_id: gw}|1: an upstream uses credentials mode user_oauth, whose tokens are stored encrypted: add 'vault",
        "credentials: {mode: user_oauth, authorization_endpoint: 'javascript:x', token_endpoint: 'https://a/token', client_id: gw}|4: 'authorization_endpoint' must be an http:// or https:// URL",
        "credentials: {mode: token_exchange, client_id: gw}|4: mode token_exchange needs 'token_endpoint', 'client_id' and 'audience'",
        "credentials: {mode: token_exchange, token_endpoint: 'ftp://x/t', client_id: gw, audience: a}|4: 'token_endpoint' must be an http:// or https:// URL",
        "credentials: {mode: token_exchange, token_endpoint: 'https://x/t', client_id: gw, audience: a, client_secret: s3cret}|4: 'client_secret' must be {env: VAR} or {file: path}",
        "credentials: {mode: token_exchange, token_endpoint: 'https://x/t', client_id: gw, audience: a, refresh_before: soon}|4: 'refresh_before' must be a duration",
        "credentials: {mode: token_exchange, token_endpoint: 'https://x/t', client_id: gw, audience: a, max_user_sessions: 0}|4: 'max_user_sessions' must be a whole number from 1 to 100000",
        "credentials: {mode: token_exchange, token_endpoint: 'https://x/t', client_id: gw, audience: a, user_session_idle: later}|4: 'user_session_idle' must be a duration",
        "credentials: {mode: service, token: {env: A}, max_user_sessions: 5}|4: unknown key 'max_user_sessions'",
        "credentials: {mode: service}|4: mode service needs 'token'",
        "credentials: {mode: service, token: {env: A, file: b}}|4: 'token' needs exactly one of 'env' and 'file'",
        "credentials: {mode: service, token: {env: A}, allow_users: ''}|4: 'allow_users' is the reason why interactive users",
        "credentials: {mode: none, audience: x}|4: unknown key 'audience'",
    })
    void badValuesAreRefusedWithTheirLine(String section, String problem) {
        assertThat(problems(HTTP + "    " + section + "\n")).anySatisfy(p -> assertThat(p).startsWith(problem));
    }

    @Test
    void aStdioUpstreamTakesOnlyNoneAndStaticHeadersAreNotMixed() {
        assertThat(problems("upstreams:\n  fs:\n    command: [x]\n    credentials: {mode: service, token: {env: A}}\n"))
                .anySatisfy(p -> assertThat(p).startsWith("4: credential mode 'service' applies to url (Streamable HTTP) upstreams only"));
        assertThat(problems(HTTP + "    headers: {Authorization: {env: T}}\n    credentials: {mode: service, token: {env: A}}\n"))
                .anySatisfy(p -> assertThat(p).startsWith("5: an upstream with 'credentials' (mode service) must not also send static 'headers'"));
    }

    /** The example in docs/operations/credentials.md ("Credentials to upstreams, per user") is a valid config. */
    @Test
    void theDocumentedExampleIsValid() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/operations/credentials.md"));
        String section = doc.substring(doc.indexOf("## Credentials to upstreams, per user"));
        String yaml = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```\n", section.indexOf("```yaml") + 8));
        GatewayConfig c = read(yaml);
        assertThat(c.upstreams().get("crm").credentials().mode()).isEqualTo(UpstreamCredentials.Mode.TOKEN_EXCHANGE);
        // #16: the per-user connections' cap and idle time, as documented
        assertThat(c.upstreams().get("crm").credentials().maxUserSessions()).isEqualTo(200);
        assertThat(c.upstreams().get("crm").credentials().userSessionIdle()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(c.upstreams().get("reports").credentials().mode()).isEqualTo(UpstreamCredentials.Mode.SERVICE);
        assertThat(c.upstreams().get("weather").credentials()).isEqualTo(UpstreamCredentials.NONE);
    }
}
