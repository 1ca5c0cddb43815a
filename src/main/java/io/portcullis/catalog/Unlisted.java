package io.portcullis.catalog;

/** What happens to a tool an upstream offers that the catalog does not list. */
public enum Unlisted {
    /** Hidden and refused (the default). */
    HIDE,
    /** Offered only when its annotations say it is read-only (class derived, marked untrusted). */
    ALLOW_READ_ONLY
}
