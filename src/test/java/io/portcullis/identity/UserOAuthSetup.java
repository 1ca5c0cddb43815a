package io.portcullis.identity;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import io.portcullis.testing.Eventually;

/**
 * The set-up the {@code user_oauth} ITs share (#16 item 1, C1.2): a real IdP (mock-oauth2-server with
 * its interactive login page) that issues the users' gateway tokens and is the third party's
 * authorization server, a vault key file, and the gateway config of one {@code user_oauth} upstream.
 */
final class UserOAuthSetup {
    private UserOAuthSetup() {
    }

    /** A started mock-oauth2-server with its interactive login page, on a free loopback port. */
    static MockOAuth2Server startIdp() throws Exception {
        MockOAuth2Server idp = new MockOAuth2Server(new OAuth2Config(true));
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        return idp;
    }

    static String base(MockOAuth2Server idp) {
        return "http://127.0.0.1:" + idp.baseUrl().port();
    }

    /** Writes a random 32-byte vault key to {@code dir/vault.kek}. */
    static void writeKek(Path dir) throws Exception {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        Files.writeString(dir.resolve("vault.kek"), Base64.getEncoder().encodeToString(kek));
    }

    /**
     * One upstream {@code tickets} at {@code upstreamUrl} in mode {@code user_oauth} against the IdP's
     * {@code thirdparty} issuer; users' tokens from its {@code default} issuer. {@code identityExtra} is
     * added to the {@code identity} block as is (e.g. an {@code admin_roles} line, or "").
     */
    static String config(String upstreamUrl, String idpBase, String identityExtra) {
        return """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  tickets:
                    url: "%1$s"
                    timeout: 10s
                    credentials:
                      mode: user_oauth
                      authorization_endpoint: %2$s/thirdparty/authorize
                      token_endpoint: %2$s/thirdparty/token
                      client_id: portcullis
                      scope: "openid tickets"
                vault:
                  kek: {file: vault.kek}
                identity:
                  max_token_lifetime: 1h
                %3$s  issuers:
                    - issuer: %2$s/default
                      discovery: %2$s/default/.well-known/openid-configuration
                """.formatted(upstreamUrl, idpBase, identityExtra.isEmpty() ? "" : "  " + identityExtra + "\n");
    }

    /** Waits (up to 60 s) until the gateway has fetched the IdP's keys and opens a session for {@code token}. */
    static void awaitKeys(GatewayUnderTest gw, String token) {
        Eventually.eventually(Duration.ofSeconds(60), "the IdP's keys are fetched", () -> {
            try {
                gw.open("/mcp", token);
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        });
    }
}
