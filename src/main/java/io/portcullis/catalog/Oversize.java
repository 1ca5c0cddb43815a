package io.portcullis.catalog;

/** What happens to a result over its tool's size limit (C5.3). */
public enum Oversize {
    /** The call is refused; the client sees an error naming the limit. */
    REFUSE,
    /** The result is cut to the limit and carries a visible marker. */
    TRUNCATE
}
