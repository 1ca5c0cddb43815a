package io.portcullis.credentials;

/**
 * #16 item 1: the gateway's credential services for upstreams, which outlive config reloads: the
 * RFC 8693 exchanger (its per-user cache) and the per-user OAuth grants (the vault). Either may be
 * null in a chain built only for its shape; the {@code credentials} stage then refuses (fail closed).
 */
public record Credentials(TokenExchanger exchanger, UserGrants grants) {}
