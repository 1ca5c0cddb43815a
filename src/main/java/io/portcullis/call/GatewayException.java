package io.portcullis.call;

/**
 * The one error type of the gateway. Every refusal names the control that fired; transports map
 * it to JSON-RPC and HTTP in exactly one place ({@code ingress.Responses}).
 */
public sealed abstract class GatewayException extends Exception
        permits GatewayException.Refused, GatewayException.UnknownTool, GatewayException.UpstreamFailure,
                GatewayException.UpstreamError {

    private final String control;

    protected GatewayException(String control, String message) {
        super(message, null, false, false);
        this.control = control;
    }

    /** The control (stage or component) that produced this error, e.g. {@code catalog}, {@code timeout}. */
    public String control() {
        return control;
    }

    /** A control refused the call; the model sees the reason as an {@code isError} tool result. */
    public static final class Refused extends GatewayException {
        private final long retryAfterSeconds;
        private final String rule;
        private final String callerText;
        private final String consentUrl;
        private final String consentText;

        public Refused(String control, String message) {
            this(control, message, 0, null);
        }

        /**
         * A refusal whose caller is told more than is recorded (#16: a consent link's single-use ticket):
         * {@code message} is what logs, audit records and metrics keep; {@code callerText} is what the
         * caller alone sees ({@code ingress.Responses}).
         */
        public Refused(String control, String message, String callerText) {
            this(control, message, callerText, null, null);
        }

        /**
         * A refusal that asks the caller to open a link (#16 item 1: connect their account at a
         * {@code user_oauth} upstream): as {@link #Refused(String, String, String)}, and the link and its
         * message apart, so that a client that can (2025-11-25+, {@code elicitation.url}) is sent a
         * URL-mode elicitation ({@code ingress.ConsentElicitation}). Neither is ever recorded.
         */
        public Refused(String control, String message, String callerText, String consentUrl, String consentText) {
            super(control, message);
            this.retryAfterSeconds = 0;
            this.rule = null;
            this.callerText = callerText;
            this.consentUrl = consentUrl;
            this.consentText = consentText;
        }

        /**
         * A refusal that a later retry may pass (#14 item 3: a rate limit), naming the rule that refused.
         *
         * @param retryAfterSeconds when a retry may pass, in seconds; 0 when nothing says it would
         * @param rule              the rule's name (e.g. a rate limit's id), or null
         */
        public Refused(String control, String message, long retryAfterSeconds, String rule) {
            super(control, message);
            this.retryAfterSeconds = retryAfterSeconds;
            this.rule = rule;
            this.callerText = null;
            this.consentUrl = null;
            this.consentText = null;
        }

        /** The link the caller is asked to open (caller-only, never recorded), or null. */
        public String consentUrl() {
            return consentUrl;
        }

        /** What the caller is told about {@link #consentUrl()} (without the link), or null. */
        public String consentText() {
            return consentText;
        }

        /** What the caller is told: the message, or more where only the caller may see it. */
        public String callerText() {
            return callerText != null ? callerText : getMessage();
        }

        /** When a retry may pass, in seconds; 0 when nothing says it would. */
        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        /** The rule that refused, or null. */
        public String rule() {
            return rule;
        }
    }

    /** The tool is not in the catalog (or not visible here): an {@code isError} result for tools/call, as the reference servers answer. */
    public static final class UnknownTool extends GatewayException {
        public UnknownTool(String tool) {
            super("catalog", "Unknown tool: " + tool);
        }
    }

    /** The upstream could not answer: down, crashed, timed out, or answered garbage. */
    public static final class UpstreamFailure extends GatewayException {
        private final String upstream;
        private final long retryAfterSeconds;
        private final Boolean reached;

        public UpstreamFailure(String control, String upstream, String message) {
            this(control, upstream, message, 0, null);
        }

        /** A failure worth retrying after {@code retryAfterSeconds} (an upstream that is starting, issue #21 item 6). */
        public UpstreamFailure(String control, String upstream, String message, long retryAfterSeconds) {
            this(control, upstream, message, retryAfterSeconds, null);
        }

        /**
         * @param reached whether the request reached the upstream before the failure (#21 item 4:
         *                a timed-out call that was sent may still act; one that was not never will),
         *                or null when that is not known
         */
        public UpstreamFailure(String control, String upstream, String message, Boolean reached) {
            this(control, upstream, message, 0, reached);
        }

        public UpstreamFailure(String control, String upstream, String message, long retryAfterSeconds, Boolean reached) {
            super(control, message);
            this.upstream = upstream;
            this.retryAfterSeconds = retryAfterSeconds;
            this.reached = reached;
        }

        public String upstream() {
            return upstream;
        }

        /** When a retry may succeed, in seconds; 0 when nothing says it would. */
        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        /** Whether the request was sent to the upstream before it failed; null when not known. */
        public Boolean reached() {
            return reached;
        }
    }

    /** The upstream answered with a JSON-RPC error; it is passed to the client as it came. */
    public static final class UpstreamError extends GatewayException {
        private final transient tools.jackson.databind.JsonNode error;

        public UpstreamError(String upstream, tools.jackson.databind.JsonNode error) {
            super("upstream", "upstream " + upstream + " returned an error");
            this.error = error;
        }

        /** The upstream's {@code error} object, unchanged. */
        public tools.jackson.databind.JsonNode error() {
            return error;
        }
    }
}
