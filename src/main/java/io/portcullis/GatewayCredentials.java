package io.portcullis;

import io.portcullis.config.GatewayConfig;
import io.portcullis.credentials.Credentials;
import io.portcullis.credentials.TokenExchanger;
import io.portcullis.credentials.UserGrants;
import io.portcullis.credentials.UserUpstreamTokens;
import io.portcullis.upstream.Upstream;
import io.portcullis.upstream.UserSessions;
import java.time.Clock;
import java.util.Collection;
import org.eclipse.jetty.client.HttpClient;

/** #16: builds the gateway's credential services (kept out of {@link Gateway}, which is at its size limit). */
final class GatewayCredentials {
    private GatewayCredentials() {}

    static Credentials open(io.portcullis.store.Store store, io.portcullis.identity.Identity identity, GatewayConfig config,
                            HttpClient http) {
        String env = config.defaultEnvironment().name();
        UserGrants grants = new UserGrants(store, Clock.systemUTC(), () -> base(identity.resource(env)));
        grants.apply(config.vault());
        TokenExchanger exchanger = new TokenExchanger(Clock.systemUTC());
        // #16: per-user upstream connections; a revoked grant closes its user's (on a thread of its own: the
        // revocation may come from a request of the very connection being closed)
        UserSessions sessions = new UserSessions(new UserUpstreamTokens(exchanger, grants), http);
        grants.onRevoke((subject, issuer, upstream) -> Thread.ofVirtual().name("user-sessions-revoke")
                .start(() -> sessions.closeUser(subject, issuer, upstream)));
        return new Credentials(exchanger, grants, sessions);
    }

    /** #16: closes the gateway's upstream connections, the per-user ones too. */
    static void close(Credentials credentials, Collection<Upstream> upstreams) {
        upstreams.forEach(Upstream::close);
        if (credentials.sessions() != null) {
            credentials.sessions().close();
        }
    }

    /** The gateway's public base URL: the default environment's resource without its {@code /mcp}. */
    static String base(String resource) {
        String r = resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
        return r.endsWith("/mcp") ? r.substring(0, r.length() - 4) : r;
    }
}
