package io.portcullis.catalog;

/** What happens to a tool an upstream offers that the catalog does not list. */
public enum Unlisted {
    /** Hidden and refused (the default). */
    HIDE,
    /** Offered only when its annotations say it is read-only (class derived, marked untrusted). */
    ALLOW_READ_ONLY,
    /**
     * Offered with its class derived from annotations (marked untrusted). For development and
     * protocol testing only: the readiness report fails C2.1 while any tool is offered this way.
     */
    ALLOW
}
