package io.portcullis.oauthclient;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which scopes to ask for (MCP authorization 2025-11-25, "Scope Selection Strategy", issue 17):
 * the {@code WWW-Authenticate} challenge's scope, else the resource's {@code scopes_supported},
 * else none; a step-up keeps what was granted; {@code offline_access} only where the authorization
 * server lists it (SEP-2207) and never for the client-credentials grant. Shared by
 * {@link OAuthClient} (connect, mode oauth) and {@link ConsentClient} (mode user_oauth).
 */
final class Scopes {
    private Scopes() {}

    /**
     * @param granted    the scope granted before, kept on a step-up (403 insufficient_scope), or null
     * @param extra      configured scopes added to the rest (space separated), or null
     * @return the space-separated scope, or null for none
     */
    static String choose(Challenge ch, Discovery.Resource prm, Discovery.AuthServer as, String granted, String extra,
                         boolean clientCredentials) {
        Set<String> s = new LinkedHashSet<>();
        if (ch.insufficientScope() && granted != null) {
            s.addAll(split(granted));
        }
        if (ch.scope() != null) {
            s.addAll(split(ch.scope()));
        } else if (prm != null) {
            s.addAll(prm.scopesSupported());
        }
        if (extra != null) {
            s.addAll(split(extra));
        }
        if (!clientCredentials && as.scopesSupported().contains("offline_access")) {
            s.add("offline_access"); // SEP-2207: refresh tokens only where the server offers them
        }
        s.remove("");
        return s.isEmpty() ? null : String.join(" ", s);
    }

    private static Set<String> split(String scope) {
        return new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+")));
    }
}
