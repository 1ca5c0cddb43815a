package io.portcullis.it;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * A real IdP for the admin-API ITs (change control C7.2, the review queue, the changelog C7.3):
 * mock-oauth2-server on a free loopback port, warmed up (discovery and JWKS fetched once, so the
 * gateway's first fetch is not the slow one), issuing really signed tokens whose {@code groups} claim
 * the gateway reads as roles. Stop it with {@link #close()}.
 */
public final class LocalIdp implements AutoCloseable {
    private final MockOAuth2Server server;
    private final String base;

    private LocalIdp(MockOAuth2Server server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.baseUrl().port();
    }

    /** Starts the IdP and fetches its discovery document and keys once. */
    public static LocalIdp start() throws Exception {
        MockOAuth2Server server = new MockOAuth2Server();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        LocalIdp idp = new LocalIdp(server);
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/default/.well-known/openid-configuration", "/default/jwks")) { // warm the IdP up
            http.send(HttpRequest.newBuilder(URI.create(idp.base + path)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        return idp;
    }

    /** {@code http://127.0.0.1:<port>}; the issuer is {@code <base>/default}. */
    public String base() {
        return base;
    }

    /**
     * The gateway config's {@code identity} block (at column 0, no final newline) trusting the IdP at
     * {@code base}, with {@code portcullis-admin} as the admin role and {@code groups} read as roles.
     */
    public static String identity(String base) {
        return """
                identity:
                  admin_roles: [portcullis-admin]
                  issuers:
                    - issuer: %1$s/default
                      discovery: %1$s/default/.well-known/openid-configuration
                      claims: {roles: [groups]}""".formatted(base);
    }

    /** A token for {@code subject} in {@code groups}, for the gateway's default environment, valid 600 s. */
    public String token(TestGateway gw, String subject, List<String> groups) {
        return token(gw, subject, groups, gw.gateway().config().defaultEnvironment().name());
    }

    /** A token for {@code subject} in {@code groups}, for environment {@code env}, valid 600 s. */
    public String token(TestGateway gw, String subject, List<String> groups, String env) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", base + "/default");
        claims.put("groups", groups);
        return server.issueToken("default", subject, gw.gateway().identity().resource(env), claims, 600).serialize();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
