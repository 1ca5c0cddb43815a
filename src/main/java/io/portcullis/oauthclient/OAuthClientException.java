package io.portcullis.oauthclient;

import java.io.IOException;

/** The client could not obtain a token; the message says why, for the user (no stack trace needed). */
public final class OAuthClientException extends IOException {
    private final String oauthError;

    public OAuthClientException(String message) {
        super(message);
        this.oauthError = null;
    }

    /** The authorization server answered with an OAuth error ({@code invalid_grant} ...): the grant itself is no good. */
    public OAuthClientException(String message, String oauthError) {
        super(message);
        this.oauthError = oauthError;
    }

    /** The OAuth error code the server answered, or null when it could not be reached or answered no OAuth. */
    public String oauthError() {
        return oauthError;
    }

    public OAuthClientException(String message, Throwable cause) {
        super(message, cause);
        this.oauthError = null;
    }
}
