package io.portcullis.upstream;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The few clear reasons an HTTP exchange with an upstream fails, as clients and the audit record
 * see them (#21 item 8). A transport library's own message can carry an object dump with internal
 * addresses or a Java class name; it goes to the gateway's log only, never into a reason.
 */
final class Reasons {
    static final String CLOSED = "the upstream closed the connection";
    static final String STREAM_BROKE = "the upstream's answer stream broke off";

    private Reasons() {}

    /** The reason for {@code failure} (its cause chain is searched), one of a fixed set. */
    static String of(Throwable failure, String shownUrl) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "cannot connect to " + shownUrl;
            }
            if (t instanceof UnknownHostException) {
                return "cannot resolve the host of " + shownUrl;
            }
            if (t instanceof SSLException) {
                return "the TLS handshake with " + shownUrl + " failed";
            }
            if (t instanceof TimeoutException) {
                return "the upstream did not answer in time";
            }
            if (t instanceof EOFException || t instanceof ClosedChannelException
                    || t instanceof SocketException s && String.valueOf(s.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset")) {
                return CLOSED;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return "the connection to the upstream failed";
    }
}
