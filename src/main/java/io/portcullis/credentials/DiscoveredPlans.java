package io.portcullis.credentials;

import io.portcullis.oauthclient.ClientSettings;
import io.portcullis.oauthclient.ConsentClient;
import io.portcullis.oauthclient.OAuthClientException;
import io.portcullis.settings.UpstreamCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issue 17 (task h3), {@code user_oauth} without configured endpoints: per upstream, what the shared
 * OAuth client ({@link ConsentClient}) discovered and registered, kept in memory for the consent
 * flow and for refreshing. Found when the first user opens a consent link (after the ticket was
 * spent, so nobody without a link makes the gateway register), and again when the upstream's
 * credentials settings change. Not kept across restarts: a grant whose client registration is gone
 * is refused on refresh and its user asked to consent again.
 */
final class DiscoveredPlans {
    private record Entry(UpstreamCredentials settings, URI url, ConsentClient.Plan plan) {}

    private final Map<String, Entry> plans = new ConcurrentHashMap<>();
    private volatile HttpClient http;

    /** The plan of {@code upstream}, discovered (and the client registered) when there is none for these settings yet. */
    ConsentClient.Plan plan(String upstream, URI url, UpstreamCredentials c, URI redirect, Duration timeout) throws ConsentFlow.Failed {
        Entry e = plans.get(upstream);
        if (e != null && e.settings().equals(c) && e.url().equals(url)) {
            return e.plan();
        }
        if (url == null) {
            throw new ConsentFlow.Failed("upstream " + upstream + " has no URL to discover its authorization server from");
        }
        try {
            ConsentClient.Plan p = ConsentClient.discover(url, settings(upstream, c), redirect, client(timeout), timeout);
            plans.put(upstream, new Entry(c, url, p));
            return p;
        } catch (IOException ex) {
            throw new ConsentFlow.Failed("cannot sign in at the authorization server of upstream " + upstream + ": " + ex.getMessage());
        }
    }

    /** The plan already found for {@code upstream}, or null (none since the gateway started, or the settings changed). */
    ConsentClient.Plan known(String upstream, UpstreamCredentials c) {
        Entry e = plans.get(upstream);
        return e != null && e.settings().equals(c) ? e.plan() : null;
    }

    private static ClientSettings settings(String upstream, UpstreamCredentials c) throws ConsentFlow.Failed {
        String secret = null;
        if (c.clientSecret() != null) {
            try {
                secret = c.clientSecret().resolve();
            } catch (IllegalStateException e) {
                throw new ConsentFlow.Failed("the client secret of upstream " + upstream + " is missing: " + e.getMessage());
            }
        }
        // configured scopes are added to what the upstream asks for (the challenge, else scopes_supported)
        return new ClientSettings(c.clientId(), secret, null, null, null, c.clientMetadataUrl(), "portcullis", false, c.scope());
    }

    private HttpClient client(Duration timeout) {
        HttpClient h = http;
        if (h == null) {
            h = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
            http = h;
        }
        return h;
    }

    /** Turns a token endpoint's failure into the flow's: refused (an OAuth error: the grant is no good) or unreachable. */
    static Exception failure(String upstream, URI tokenEndpoint, OAuthClientException e) {
        return e.oauthError() != null ? new ConsentFlow.Refused(e.oauthError())
                : new ConsentFlow.Unreachable("the authorization server of upstream " + upstream + " at " + tokenEndpoint.getHost()
                        + " could not be reached or answered garbage (" + e.getMessage() + ")");
    }
}
