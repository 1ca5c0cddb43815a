package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.testing.ManualTicker;
import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls that wait for their 2026-07-28 client's input across requests: the round trip, the
 * checks on a retry, expiry and the per-caller limit. The "upstream" here is a call that asks
 * through the session's {@link PendingInput}, as the relay does for a real upstream.
 */
class InputRoundsTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private final ManualTicker ticker = new ManualTicker();
    private final InputRounds rounds = new InputRounds(ticker, InputRounds.MAX_PER_CALLER, InputRounds.MAX_TOTAL);
    private final AtomicInteger upstreamCalls = new AtomicInteger();

    static ClientSession session(Principal who, String env) {
        ObjectNode caps = Json.object();
        caps.putObject("elicitation");
        return new ClientSession(null, env, ProtocolVersion.V2026_07_28, caps, Json.object(), who);
    }

    static Principal alice() {
        return RequestStatesTest.caller("alice", "idp");
    }

    static Message call(long id, String arg, ObjectNode retry) throws Exception {
        ObjectNode p = Json.object().put("name", "tool");
        p.putObject("arguments").put("q", arg);
        if (retry != null) {
            p.setAll(retry);
        }
        return Message.of(Message.request(Json.object().numberNode(id), "tools/call", p));
    }

    /** A call that asks the client once and puts the answer into its result. */
    private InputRounds.Call asking(ClientSession s, Message msg, CompletableFuture<GatewayException> failure) {
        return out -> {
            upstreamCalls.incrementAndGet();
            try {
                ObjectNode answer = s.pendingInput().ask("elicitation/create",
                        Json.object().put("message", "name?"));
                return Message.result(msg.id(), Json.object().put("text", "got " + answer.path("result").path("content").path("name").asString()));
            } catch (GatewayException e) {
                failure.complete(e);
                return Message.error(msg.id(), -32003, e.getMessage(), null);
            }
        };
    }

    static ObjectNode retry(String state, String name) {
        ObjectNode r = Json.object().put("requestState", state);
        if (name != null) {
            r.putObject("inputResponses").putObject("portcullis-1").put("action", "accept").putObject("content").put("name", name);
        }
        return r;
    }

    /** The state with one character of its tag changed. */
    static String tamper(String state) {
        int i = state.length() - 10;
        return state.substring(0, i) + (state.charAt(i) == 'A' ? 'B' : 'A') + state.substring(i + 1);
    }

    @Test
    void theClientsAnswerReachesTheCallAndTheRetryGetsTheResult() throws Exception {
        ClientSession s = session(alice(), "dev");
        Message first = call(1, "x", null);
        ObjectNode asked = rounds.begin(s, first, LONG, Outbound.DROP, asking(s, first, new CompletableFuture<>()));
        assertThat(asked.path("id").asInt()).isEqualTo(1);
        JsonNode result = asked.path("result");
        assertThat(result.path("resultType").asString()).isEqualTo("input_required");
        assertThat(result.path("inputRequests").path("portcullis-1").path("method").asString()).isEqualTo("elicitation/create");
        assertThat(result.path("inputRequests").path("portcullis-1").path("params").path("message").asString()).isEqualTo("name?");
        String state = result.path("requestState").asString();
        assertThat(rounds.awaitingClient()).isEqualTo(1);

        ObjectNode done = rounds.resume(session(alice(), "dev"), call(2, "x", retry(state, "Ada")), Outbound.DROP);
        assertThat(done.path("id").asInt()).as("answered under the retry's id").isEqualTo(2);
        assertThat(done.path("result").path("text").asString()).isEqualTo("got Ada");
        assertThat(upstreamCalls.get()).as("the call ran once").isEqualTo(1);
        assertThat(rounds.awaitingClient()).isZero();
        // a state is used once
        ObjectNode again = rounds.resume(session(alice(), "dev"), call(3, "x", retry(state, "Ada")), Outbound.DROP);
        assertThat(again.path("error").path("message").asString()).contains("unknown or has expired");
    }

    @Test
    void aRetryThatDoesNotMatchIsRefusedAndLeavesTheStateUsable() throws Exception {
        ClientSession s = session(alice(), "dev");
        Message first = call(1, "x", null);
        String state = rounds.begin(s, first, LONG, Outbound.DROP, asking(s, first, new CompletableFuture<>()))
                .path("result").path("requestState").asString();

        ObjectNode otherCaller = rounds.resume(session(RequestStatesTest.caller("mallory", "idp"), "dev"),
                call(2, "x", retry(state, "Eve")), Outbound.DROP);
        assertThat(otherCaller.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(otherCaller.path("error").path("message").asString()).contains("another caller");

        ObjectNode otherEnv = rounds.resume(session(alice(), "prod"), call(3, "x", retry(state, "Ada")), Outbound.DROP);
        assertThat(otherEnv.path("error").path("message").asString()).contains("environment dev");

        ObjectNode otherArgs = rounds.resume(session(alice(), "dev"), call(4, "changed", retry(state, "Ada")), Outbound.DROP);
        assertThat(otherArgs.path("error").path("message").asString()).contains("same arguments");
        assertThat(otherArgs.path("error").path("data").path("reason").asString()).isEqualTo("request_mismatch");

        ObjectNode altered = rounds.resume(session(alice(), "dev"), call(5, "x", retry(tamper(state), "Ada")), Outbound.DROP);
        assertThat(altered.path("error").path("message").asString()).contains("altered");

        ObjectNode answersOnly = retry(state, "Ada");
        answersOnly.remove("requestState");
        ObjectNode noState = rounds.resume(session(alice(), "dev"), call(6, "x", answersOnly), Outbound.DROP);
        assertThat(noState.path("error").path("message").asString()).contains("without a requestState");

        ObjectNode ok = rounds.resume(session(alice(), "dev"), call(7, "x", retry(state, "Ada")), Outbound.DROP);
        assertThat(ok.path("result").path("text").asString()).isEqualTo("got Ada");
    }

    /** Only the gateway's own states continue a call here; an upstream's (2026-07-28 upstream) is a new call for it to judge. */
    @Test
    void onlyTheGatewaysOwnStatesAreRetriesHere() throws Exception {
        ObjectNode ours = retry("portcullis.v1.AAAAAAAAAAAAAAAAAAAAAA.tag", "Ada");
        ObjectNode upstreams = retry("eyJ1cHN0cmVhbSI6InN0YXRlIn0", "Ada");
        ObjectNode answersOnly = retry("x", "Ada");
        answersOnly.remove("requestState");
        assertThat(InputRounds.isRetry(call(1, "x", ours))).isTrue();
        assertThat(InputRounds.isRetry(call(2, "x", upstreams))).isFalse();
        assertThat(InputRounds.isRetry(call(3, "x", answersOnly))).isFalse();
        assertThat(InputRounds.isRetry(call(4, "x", null))).isFalse();
    }

    @Test
    void aRetryWithoutTheAnswerIsAskedAgain() throws Exception {
        ClientSession s = session(alice(), "dev");
        Message first = call(1, "x", null);
        String state = rounds.begin(s, first, LONG, Outbound.DROP, asking(s, first, new CompletableFuture<>()))
                .path("result").path("requestState").asString();
        ObjectNode again = rounds.resume(session(alice(), "dev"), call(2, "x", retry(state, null)), Outbound.DROP);
        JsonNode result = again.path("result");
        assertThat(result.path("resultType").asString()).isEqualTo("input_required");
        assertThat(result.path("inputRequests").has("portcullis-1")).isTrue();
        String next = result.path("requestState").asString();
        assertThat(next).isNotEqualTo(state);
        ObjectNode done = rounds.resume(session(alice(), "dev"), call(3, "x", retry(next, "Grace")), Outbound.DROP);
        assertThat(done.path("result").path("text").asString()).isEqualTo("got Grace");
    }

    /** #12 item 7: the window passes on the ticker, not on the wall clock. */
    @Test
    void anUnansweredStateExpiresTheUpstreamRequestFailsAndTheCallIsCancelled() throws Exception {
        ClientSession s = session(alice(), "dev");
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        s.inFlight.put("1", () -> cancelled.complete(null)); // what the relay registers for the upstream call
        CompletableFuture<GatewayException> failure = new CompletableFuture<>();
        Message first = call(1, "x", null);
        String state = rounds.begin(s, first, Duration.ofMillis(200), Outbound.DROP, asking(s, first, failure))
                .path("result").path("requestState").asString();

        ticker.advance(Duration.ofMillis(199));
        assertThat(failure).as("still within the window").isNotDone();
        assertThat(cancelled).isNotDone();
        assertThat(rounds.awaitingClient()).isEqualTo(1);
        ticker.advance(Duration.ofMillis(1));
        GatewayException why = failure.get(10, TimeUnit.SECONDS);
        assertThat(why.getMessage()).contains("did not continue the call within 200 ms");
        cancelled.get(10, TimeUnit.SECONDS);
        assertThat(rounds.awaitingClient()).isZero();
        ObjectNode late = rounds.resume(session(alice(), "dev"), call(2, "x", retry(state, "Ada")), Outbound.DROP);
        assertThat(late.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(late.path("error").path("message").asString()).contains("unknown or has expired");
    }

    @Test
    void aCallerHoldsABoundedNumberOfPendingCalls() throws Exception {
        InputRounds limited = new InputRounds(ticker, 1, 10);
        ClientSession s1 = session(alice(), "dev");
        Message m1 = call(1, "x", null);
        assertThat(limited.begin(s1, m1, LONG, Outbound.DROP, asking(s1, m1, new CompletableFuture<>()))
                .path("result").path("resultType").asString()).isEqualTo("input_required");

        ClientSession s2 = session(alice(), "dev");
        Message m2 = call(2, "x", null);
        CompletableFuture<GatewayException> refused = new CompletableFuture<>();
        ObjectNode second = limited.begin(s2, m2, LONG, Outbound.DROP, asking(s2, m2, refused));
        assertThat(second.path("error").path("message").asString()).contains("already has 1 calls awaiting input");
        assertThat(refused.get(5, TimeUnit.SECONDS)).isInstanceOf(GatewayException.Refused.class);

        ClientSession s3 = session(RequestStatesTest.caller("bob", "idp"), "dev");
        Message m3 = call(3, "x", null);
        assertThat(limited.begin(s3, m3, LONG, Outbound.DROP, asking(s3, m3, new CompletableFuture<>()))
                .path("result").path("resultType").asString()).as("another caller is not held up").isEqualTo("input_required");
    }

    @Test
    void aCallThatNeedsNoInputIsAnsweredAtOnce() throws Exception {
        ClientSession s = session(alice(), "dev");
        Message m = call(1, "x", null);
        ObjectNode done = rounds.begin(s, m, LONG, Outbound.DROP, out -> Message.result(m.id(), Json.object().put("text", "plain")));
        assertThat(done.path("result").path("text").asString()).isEqualTo("plain");
        assertThat(rounds.awaitingClient()).isZero();
    }
}
