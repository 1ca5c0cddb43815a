package io.portcullis.oauthclient;

import java.io.IOException;

/** The client could not obtain a token; the message says why, for the user (no stack trace needed). */
public final class OAuthClientException extends IOException {
    public OAuthClientException(String message) {
        super(message);
    }

    public OAuthClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
