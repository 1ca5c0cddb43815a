package io.portcullis;

import io.portcullis.config.GatewayConfig;
import io.portcullis.credentials.Credentials;
import io.portcullis.credentials.TokenExchanger;
import io.portcullis.credentials.UserGrants;
import java.time.Clock;

/** #16: builds the gateway's credential services (kept out of {@link Gateway}, which is at its size limit). */
final class GatewayCredentials {
    private GatewayCredentials() {}

    static Credentials open(io.portcullis.store.Store store, io.portcullis.identity.Identity identity, GatewayConfig config) {
        String env = config.defaultEnvironment().name();
        UserGrants grants = new UserGrants(store, Clock.systemUTC(), () -> base(identity.resource(env)));
        grants.apply(config.vault());
        return new Credentials(new TokenExchanger(Clock.systemUTC()), grants);
    }

    /** The gateway's public base URL: the default environment's resource without its {@code /mcp}. */
    static String base(String resource) {
        String r = resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
        return r.endsWith("/mcp") ? r.substring(0, r.length() - 4) : r;
    }
}
