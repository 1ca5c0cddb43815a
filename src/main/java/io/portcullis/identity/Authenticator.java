package io.portcullis.identity;

/**
 * Turns what a caller presented into the {@link Principal} of its call (C1.1), or refuses.
 * The entry interface of the identity capability; strategies (JWT, introspection, API keys,
 * client certificates) are small authenticators composed with {@link #orElse}.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * Authenticates one request.
     *
     * @param in          what the caller presented
     * @param environment the environment of the route the request came in on
     * @return the caller's principal, never null
     * @throws AuthException when the caller is not authenticated: it says the status (401, 403 or
     *                       503) and why. Any failure inside a check refuses; nothing fails open.
     *                       {@link AuthException.NotMine} means "not my kind of credential".
     */
    Principal authenticate(Credentials in, String environment) throws AuthException;

    /**
     * This strategy, then {@code next} when this one says the credentials are not its kind.
     * A definite refusal (a bad token of its kind) is final: later strategies never rescue it.
     */
    default Authenticator orElse(Authenticator next) {
        return (in, env) -> {
            try {
                return authenticate(in, env);
            } catch (AuthException.NotMine first) {
                try {
                    return next.authenticate(in, env);
                } catch (AuthException.NotMine second) {
                    throw new AuthException.NotMine(first.reason().isEmpty() ? second.reason()
                            : second.reason().isEmpty() ? first.reason() : first.reason() + "; " + second.reason());
                }
            }
        };
    }
}
