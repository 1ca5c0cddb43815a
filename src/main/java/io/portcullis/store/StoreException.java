package io.portcullis.store;

/** The store cannot do what was asked: unreachable, full, or a statement failed. Callers fail closed. */
public final class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
