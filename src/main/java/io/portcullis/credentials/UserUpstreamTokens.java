package io.portcullis.credentials;

import io.portcullis.call.GatewayException;
import io.portcullis.identity.Principal;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.upstream.UserSessions;
import io.portcullis.upstream.UserToken;
import java.io.IOException;

/**
 * #16 (C1.2): the credentials side of per-user upstream connections ({@link UserSessions}): the key
 * of a caller's connection (verified issuer + subject, upstream, scope: the credential cache's key)
 * and the source of its token, asked on every request of the connection: the caller's exchanged
 * token ({@link TokenExchanger}, cached until shortly before it expires) or their own grant
 * ({@link UserGrants}, refreshed when due). A caller without one is refused before any connection is
 * opened for them (fail closed, control {@code credentials}); the caller's own token is never sent.
 */
public final class UserUpstreamTokens implements UserSessions.Resolver {
    private final TokenExchanger exchanger;
    private final UserGrants grants;

    public UserUpstreamTokens(TokenExchanger exchanger, UserGrants grants) {
        this.exchanger = exchanger;
        this.grants = grants;
    }

    @Override
    public UserSessions.Lease lease(UpstreamConfig upstream, Principal caller) throws GatewayException {
        UpstreamCredentials c = upstream.credentials();
        if (caller.kind() == Principal.Kind.ANONYMOUS || caller.subject() == null) {
            throw refused("upstream " + upstream.name() + " is reached with each user's own token, and this caller is not authenticated");
        }
        String issuer = caller.issuer() != null ? caller.issuer() : "auth:" + caller.authMethod();
        UserSessions.Key key = new UserSessions.Key(issuer, caller.subject(), upstream.name(), c.scopeKey());
        authorization(upstream, caller); // the caller has a credential now, or nothing is opened for them
        UserToken token = new UserToken() {
            @Override
            public String authorization() throws IOException {
                try {
                    return UserUpstreamTokens.this.authorization(upstream, caller);
                } catch (GatewayException e) {
                    throw new IOException(e.getMessage());
                }
            }

            @Override
            public void insufficientScope(String scope) { // issue 17 (task h3): user_oauth asks this user to consent to more
                if (grants != null && c.mode() == UpstreamCredentials.Mode.USER_OAUTH) {
                    grants.stepUp(upstream.name(), c, caller, scope);
                }
            }
        };
        return new UserSessions.Lease(key, token);
    }

    /** The {@code Authorization} value of {@code caller} at {@code upstream} now. */
    private String authorization(UpstreamConfig upstream, Principal caller) throws GatewayException {
        UpstreamCredentials c = upstream.credentials();
        try {
            return switch (c.mode()) {
                case TOKEN_EXCHANGE -> {
                    if (exchanger == null) {
                        throw refused("no token exchanger runs for upstream " + upstream.name());
                    }
                    yield exchanger.delegation(upstream.name(), c, caller, upstream.timeout()).authorization();
                }
                case USER_OAUTH -> {
                    if (grants == null) {
                        throw refused("no per-user OAuth grants are kept for upstream " + upstream.name());
                    }
                    yield grants.delegation(upstream.name(), c, caller, upstream.timeout()).authorization();
                }
                default -> throw refused("upstream " + upstream.name() + " is not reached with each user's own token");
            };
        } catch (TokenExchanger.ExchangeFailed e) {
            throw refused(e.getMessage());
        } catch (UserGrants.Refusal e) { // the recorded text: never the consent link's ticket
            throw refused(e.getMessage());
        }
    }

    private static GatewayException.Refused refused(String why) {
        return new GatewayException.Refused("credentials", "credentials: " + why);
    }
}
