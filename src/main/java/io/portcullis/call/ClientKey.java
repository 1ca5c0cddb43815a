package io.portcullis.call;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is on the other end of a call (#12 item 5): one client session, or {@link #NONE} for
 * nobody (the gateway's own requests, calls without a client). Two relays with equal keys talk
 * to the same client; an upstream's server-to-client request may be guessed onto a call of the
 * same key, never of another, and never onto {@link #NONE}.
 *
 * @param value an opaque, gateway-unique name of the client session
 */
public record ClientKey(String value) {
    private static final AtomicLong NEXT = new AtomicLong();

    /** Nobody: never a client to talk to, never equal to a session's key. */
    public static final ClientKey NONE = new ClientKey("");

    public ClientKey {
        Objects.requireNonNull(value, "value");
    }

    /** A key no other session of this gateway has (sessions with no id, such as stateless requests, get one too). */
    public static ClientKey fresh() {
        return new ClientKey("client-" + NEXT.incrementAndGet());
    }

    /** Whether this is {@link #NONE}. */
    public boolean none() {
        return value.isEmpty();
    }
}
