package io.portcullis.upstream;

import io.portcullis.call.GatewayException;
import io.portcullis.resilience.Protection;

/**
 * #14 item 1: which failures of an upstream call count against it, and which may be retried.
 * <ul>
 *   <li>The breaker records transport errors, timeouts, 5xx and an upstream that is down (the
 *       failures with control {@code upstream} or {@code timeout}). The upstream's own answers do not
 *       count: a JSON-RPC error, a tool's {@code isError} result (not an exception at all), a result
 *       over the size limit; nor the gateway's own refusals (bulkhead, draining).</li>
 *   <li>A {@code read_only} call is retried after a failure with control {@code upstream} only:
 *       unreachable, connection refused or reset, an HTTP refusal such as 502/503, down or restarting.
 *       Not after a timeout: the call's time is spent, and a retry would only double the wait.</li>
 *   <li>An HTTP 4xx refusal counts as neither (see {@link #CLIENT_ERROR}).</li>
 * </ul>
 */
final class Failures implements Protection.Outcomes {
    static final Failures INSTANCE = new Failures();
    /**
     * An HTTP 4xx refusal (bad credential, bad request) is the caller's or the config's problem, not
     * an upstream that is failing: neither counted nor retried. The text is HttpConnection.refused's.
     */
    private static final java.util.regex.Pattern CLIENT_ERROR = java.util.regex.Pattern.compile("HTTP 4\\d\\d\\b");

    private Failures() {}

    @Override
    public boolean failure(Throwable e) {
        return e instanceof GatewayException.UpstreamFailure u && ("upstream".equals(u.control()) || "timeout".equals(u.control()))
                && !clientError(u);
    }

    @Override
    public boolean retryable(Throwable e) {
        return e instanceof GatewayException.UpstreamFailure u && "upstream".equals(u.control()) && !clientError(u);
    }

    private static boolean clientError(GatewayException.UpstreamFailure u) {
        return u.getMessage() != null && CLIENT_ERROR.matcher(u.getMessage()).find();
    }
}
