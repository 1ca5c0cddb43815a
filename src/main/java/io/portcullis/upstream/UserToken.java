package io.portcullis.upstream;

import java.io.IOException;

/**
 * #16 (C1.2): the current credential of the one user a per-user upstream connection belongs to
 * ({@link UserSessions}). Asked on EVERY request of that connection ({@code initialize},
 * {@code notifications/initialized}, listings, calls, the GET stream, an SSE answer's resumption,
 * {@code tasks/*}, the closing {@code DELETE}), so a refreshed or re-exchanged token is used at once
 * and an expired or revoked one stops the connection's traffic.
 */
@FunctionalInterface
public interface UserToken {

    /**
     * The {@code Authorization} header value for the next request, e.g. {@code Bearer eyJ...}.
     *
     * @throws IOException (its message starts with {@code credentials:}, never holds a token) when the
     *         user's credential cannot be had now: the request is not sent (fail closed)
     */
    String authorization() throws IOException;

    /**
     * Issue 17 (task h3): the upstream refused a request of this connection with 403
     * {@code insufficient_scope}, asking for {@code scope} (or null when it named none): the user's next
     * call asks for their consent to it (a step-up). Must not block.
     */
    default void insufficientScope(String scope) {
    }
}
