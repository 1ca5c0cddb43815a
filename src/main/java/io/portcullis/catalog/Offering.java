package io.portcullis.catalog;

import io.portcullis.settings.UpstreamConfig;

/**
 * What the catalog needs of an upstream (#12 item 4): its config, its latest listing, and whether
 * it is ready. {@code upstream.Upstream} implements it; the catalog never sees the connection.
 */
public interface Offering {

    String name();

    UpstreamConfig config();

    Listing listing();

    /** Whether it is connected and serving. */
    boolean ready();

    /**
     * #15 item 1: the {@code instructions} of its last handshake ({@code initialize} or {@code server/discover}),
     * or null; pinned like a tool's definition and served to clients only in their accepted form.
     */
    default String instructions() {
        return null;
    }

    /** Why it is not ready and when a retry may succeed, for a call to one of its tools while it starts or is down. */
    Unavailable unavailable();

    /** @param retryAfterSeconds 0 when a retry will not help (it was stopped) */
    record Unavailable(String message, long retryAfterSeconds) {}
}
