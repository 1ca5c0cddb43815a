package io.portcullis.credentials;

/**
 * #16 item 1: the gateway's credential services for upstreams, which outlive config reloads: the
 * RFC 8693 exchanger (its per-user cache), the per-user OAuth grants (the vault), and the per-user
 * upstream connections of upstreams reached with each user's own token. Any may be null in a chain
 * built only for its shape; the {@code credentials} stage then refuses (fail closed), and without
 * {@code sessions} every caller shares the upstream's one connection.
 */
public record Credentials(TokenExchanger exchanger, UserGrants grants, io.portcullis.upstream.UserSessions sessions) {

    /** The services without per-user upstream connections. */
    public Credentials(TokenExchanger exchanger, UserGrants grants) {
        this(exchanger, grants, null);
    }
}
