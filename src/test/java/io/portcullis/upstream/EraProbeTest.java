package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.upstream.EraProbe.Outcome;
import io.portcullis.upstream.EraProbe.Verdict;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The era decision from a server/discover probe's outcome, row by row (the SDK v2 client's classifier). */
class EraProbeTest {

    private static ObjectNode discover(String... versions) {
        ObjectNode r = Json.object();
        var a = r.putArray("supportedVersions");
        for (String v : versions) {
            a.add(v);
        }
        r.putObject("capabilities").putObject("tools");
        return r;
    }

    private static Verdict auto(Outcome o, boolean stdio) {
        return EraProbe.classify(o, stdio, true);
    }

    @Test
    void aDiscoverResultNamingOurVersionIsTheModernEra() {
        ObjectNode d = discover("2026-07-28", "2027-01-01");
        assertThat(auto(new Outcome.Answered(d), false)).isEqualTo(new Verdict.Modern("2026-07-28", d));
        assertThat(EraProbe.classify(new Outcome.Answered(d), true, false)).isInstanceOf(Verdict.Modern.class);
    }

    @Test
    void aResultThatIsNotADiscoverResultOrOffersNoVersionOfOursIsLegacyUnderAuto() {
        assertThat(auto(new Outcome.Answered(Json.object()), false)).isInstanceOf(Verdict.Legacy.class);
        ObjectNode noCaps = Json.object();
        noCaps.putArray("supportedVersions").add("2026-07-28");
        assertThat(auto(new Outcome.Answered(noCaps), false)).isInstanceOf(Verdict.Legacy.class);
        assertThat(auto(new Outcome.Answered(discover("2027-01-01")), false)).isInstanceOf(Verdict.Legacy.class);
        // pinned to modern: no fallback, and the reason says so
        assertThat(EraProbe.classify(new Outcome.Answered(discover("2027-01-01")), false, false))
                .isInstanceOfSatisfying(Verdict.Fail.class, f -> assertThat(f.why()).contains("[2027-01-01]"));
        assertThat(EraProbe.classify(new Outcome.Answered(Json.object()), false, false))
                .isInstanceOfSatisfying(Verdict.Fail.class, f -> assertThat(f.why()).contains("'protocol: modern'"));
    }

    @Test
    void jsonRpcErrorsAreLegacyExceptAnUnsupportedVersionThatNamesOneOfOurs() {
        for (int code : new int[] {-32601, -32600, -32000, -32001, -32020, -32021, -32602}) {
            assertThat(auto(new Outcome.RpcError(code, "no", null), false)).as("code " + code).isInstanceOf(Verdict.Legacy.class);
        }
        ObjectNode data = Json.object();
        data.putArray("supported").add("2025-11-25").add("2026-07-28");
        assertThat(auto(new Outcome.RpcError(-32022, "Unsupported protocol version", data), false))
                .isEqualTo(new Verdict.Corrective("2026-07-28"));
        // only legacy versions supported: fall back; only modern versions we do not speak: fail
        ObjectNode legacyOnly = Json.object();
        legacyOnly.putArray("supported").add("2025-06-18");
        assertThat(auto(new Outcome.RpcError(-32022, "x", legacyOnly), false)).isInstanceOf(Verdict.Legacy.class);
        ObjectNode futureOnly = Json.object();
        futureOnly.putArray("supported").add("2027-03-01");
        assertThat(auto(new Outcome.RpcError(-32022, "x", futureOnly), false)).isInstanceOf(Verdict.Fail.class);
        // -32022 without a usable list carries no evidence
        assertThat(auto(new Outcome.RpcError(-32022, "x", Json.object()), false)).isInstanceOf(Verdict.Legacy.class);
    }

    @Test
    void httpErrorsAreLegacyUnlessTheyAreAuthServerErrorsOrCarryAnUnsupportedVersion() {
        assertThat(auto(new Outcome.HttpError(400, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"}}"), false))
                .isInstanceOf(Verdict.Legacy.class);
        assertThat(auto(new Outcome.HttpError(404, null), false)).isInstanceOf(Verdict.Legacy.class);
        assertThat(auto(new Outcome.HttpError(405, "not json"), false)).isInstanceOf(Verdict.Legacy.class);
        assertThat(auto(new Outcome.HttpError(401, null), false))
                .isInstanceOfSatisfying(Verdict.Fail.class, f -> assertThat(f.why()).contains("401").contains("authorization"));
        assertThat(auto(new Outcome.HttpError(403, null), false)).isInstanceOf(Verdict.Fail.class);
        assertThat(auto(new Outcome.HttpError(502, null), false)).isInstanceOf(Verdict.Fail.class);
        assertThat(auto(new Outcome.HttpError(400, "{\"error\":{\"code\":-32022,\"message\":\"m\",\"data\":{\"supported\":[\"2026-07-28\"]}}}"), false))
                .isEqualTo(new Verdict.Corrective("2026-07-28"));
    }

    @Test
    void silenceAndExitMeanLegacyOnStdioButFailureOverHttp() {
        assertThat(auto(new Outcome.TimedOut(30_000), true)).isInstanceOf(Verdict.Legacy.class);
        assertThat(auto(new Outcome.Closed(), true)).isInstanceOf(Verdict.Legacy.class);
        assertThat(auto(new Outcome.TimedOut(30_000), false)).isInstanceOf(Verdict.Fail.class);
        assertThat(auto(new Outcome.Closed(), false)).isInstanceOf(Verdict.Fail.class);
        assertThat(EraProbe.classify(new Outcome.Closed(), true, false))
                .isInstanceOfSatisfying(Verdict.Fail.class, f -> assertThat(f.why()).contains("exited on the probe"));
    }

    @Test
    void anUnreachableUpstreamIsAFailureToRetryNotAnEra() {
        assertThat(auto(new Outcome.Unreachable("cannot connect to http://127.0.0.1:1/mcp"), false))
                .isInstanceOfSatisfying(Verdict.Fail.class, f -> assertThat(f.why()).contains("cannot connect"));
    }
}
