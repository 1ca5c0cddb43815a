package io.portcullis.call;

/**
 * Where a call came from, as the transport saw it: the client program and, for HTTP, the peer
 * address and the W3C trace headers of the request that carried the call (C4.1: the original user
 * request). Every field may be null.
 *
 * @param clientName    the client's {@code clientInfo.name}
 * @param clientVersion the client's {@code clientInfo.version}
 * @param remoteAddress the HTTP peer address ("ip:port"), null for stdio
 * @param traceparent   the HTTP {@code traceparent} header of the POST that carried the call
 * @param tracestate    the HTTP {@code tracestate} header of that POST
 */
public record Origin(String clientName, String clientVersion, String remoteAddress, String traceparent, String tracestate) {

    public static final Origin NONE = new Origin(null, null, null, null, null);

    /** The HTTP facts of one request. */
    public static Origin http(String remoteAddress, String traceparent, String tracestate) {
        return new Origin(null, null, remoteAddress, traceparent, tracestate);
    }

    public Origin withClient(String name, String version) {
        return new Origin(name, version, remoteAddress, traceparent, tracestate);
    }
}
