package io.portcullis.upstream;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which era to speak to an upstream, from how it answered a {@code server/discover} probe. The
 * rules mirror the TypeScript SDK v2 client's probe classifier (the 2026-07-28 era detection):
 * a valid discover result naming a version we speak is the modern era; -32022 naming one is a
 * corrective retry with that version; other JSON-RPC errors and 4xx answers are the legacy era
 * (servers answer "method not found", "server not initialized", "bad request"); 401/403, 5xx,
 * network failures and unusable replies are failures (the supervisor retries later), except on
 * stdio, where a probe that is ignored (timeout) or kills the process (closed) means legacy.
 * Pure: no I/O, no state.
 */
final class EraProbe {
    /** The 2026-07-28-era versions the gateway speaks, preferred first. */
    static final List<String> MODERN_VERSIONS = List.of(ProtocolVersion.V2026_07_28.id());

    private EraProbe() {}

    /** How one probe ended. */
    sealed interface Outcome {
        /** A JSON-RPC result. */
        record Answered(ObjectNode result) implements Outcome {}

        /** A JSON-RPC error (over HTTP: delivered as our request's answer). */
        record RpcError(int code, String message, JsonNode data) implements Outcome {}

        /** An HTTP error status whose body was not our request's JSON-RPC answer; body may be null. */
        record HttpError(int status, String body) implements Outcome {}

        /** The request could not be delivered or answered (connection refused, reset, garbage). */
        record Unreachable(String why) implements Outcome {}

        /** The connection closed while the probe was out (a stdio child exited). */
        record Closed() implements Outcome {}

        /** No answer within the probe's time. */
        record TimedOut(long millis) implements Outcome {}
    }

    /** What to do next. */
    sealed interface Verdict {
        /** Speak 2026-07-28 ({@code version}); {@code discover} is the upstream's discover result. */
        record Modern(String version, ObjectNode discover) implements Verdict {}

        /** Probe once more, asking for {@code version} (the upstream named it in a -32022 error). */
        record Corrective(String version) implements Verdict {}

        /** Speak the legacy way ({@code initialize}). */
        record Legacy() implements Verdict {}

        /** Neither: the upstream is not usable now; {@code why} says what happened. */
        record Fail(String why) implements Verdict {}
    }

    /**
     * @param stdio    whether the upstream is a child process (a timeout or an exit means legacy)
     * @param fallback whether legacy is allowed ({@code protocol: auto}); with {@code protocol: modern} it is a failure
     */
    static Verdict classify(Outcome outcome, boolean stdio, boolean fallback) {
        Verdict v = switch (outcome) {
            case Outcome.Answered a -> result(a.result(), fallback);
            case Outcome.RpcError e -> rpcError(e.code(), e.message(), e.data(), fallback);
            case Outcome.HttpError h -> httpError(h, fallback);
            case Outcome.Unreachable u -> new Verdict.Fail("the server/discover probe failed: " + u.why());
            case Outcome.Closed c -> stdio ? new Verdict.Legacy()
                    : new Verdict.Fail("the connection closed during the server/discover probe");
            case Outcome.TimedOut t -> stdio ? new Verdict.Legacy()
                    : new Verdict.Fail("the server/discover probe got no answer within " + t.millis() + " ms");
        };
        if (v instanceof Verdict.Legacy && !fallback) {
            return new Verdict.Fail("the upstream did not offer protocol 2026-07-28 via server/discover"
                    + (outcome instanceof Outcome.Closed ? " (it exited on the probe)" : "")
                    + " and 'protocol: modern' allows no fallback to the legacy handshake");
        }
        return v;
    }

    private static Verdict result(ObjectNode r, boolean fallback) {
        List<String> supported = strings(r.get("supportedVersions"));
        if (supported == null || !(r.get("capabilities") instanceof ObjectNode)) {
            return new Verdict.Legacy(); // not a discover result: whatever answered is not of 2026-07-28
        }
        for (String ours : MODERN_VERSIONS) {
            if (supported.contains(ours)) {
                return new Verdict.Modern(ours, r);
            }
        }
        return fallback ? new Verdict.Legacy()
                : new Verdict.Fail("the upstream supports " + supported + ", none of which the gateway speaks");
    }

    private static Verdict rpcError(int code, String message, JsonNode data, boolean fallback) {
        if (code != ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION) {
            // method not found, not initialized, session errors, header mismatch: no era evidence
            return new Verdict.Legacy();
        }
        List<String> supported = data == null ? null : strings(data.get("supported"));
        if (supported == null || supported.isEmpty()) {
            return new Verdict.Legacy();
        }
        for (String ours : MODERN_VERSIONS) {
            if (supported.contains(ours)) {
                return new Verdict.Corrective(ours);
            }
        }
        boolean offersModern = supported.stream().anyMatch(s -> ProtocolVersion.of(s).map(ProtocolVersion::isModern).orElse(s.compareTo(ProtocolVersion.V2026_07_28.id()) > 0));
        if (offersModern || !fallback) {
            return new Verdict.Fail("the upstream supports only " + supported + ", none of which the gateway speaks ("
                    + message + ")");
        }
        return new Verdict.Legacy();
    }

    private static Verdict httpError(Outcome.HttpError h, boolean fallback) {
        if (h.status() == 401 || h.status() == 403) {
            return new Verdict.Fail("the upstream answered the server/discover probe with HTTP " + h.status()
                    + (h.status() == 401 ? " (authorization required: check the upstream's headers)" : " (access denied)"));
        }
        if (h.status() >= 500) {
            return new Verdict.Fail("the upstream answered the server/discover probe with HTTP " + h.status());
        }
        if (h.body() != null && !h.body().isBlank()) {
            try {
                if (Json.parse(h.body()).get("error") instanceof ObjectNode err && err.get("code") instanceof JsonNode c && c.isNumber()) {
                    return rpcError(c.asInt(), err.path("message").asString(""), err.get("data"), fallback);
                }
            } catch (JacksonException e) {
                // not JSON: only the status is known
            }
        }
        return new Verdict.Legacy();
    }

    /** A non-empty-or-empty array of strings, or null when it is not one. */
    private static List<String> strings(JsonNode n) {
        if (n == null || !n.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) {
            if (!s.isString()) {
                return null;
            }
            out.add(s.asString());
        }
        return out;
    }
}
