package io.portcullis.pipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallObserver;
import io.portcullis.call.GatewayException;
import io.portcullis.metrics.PrometheusMetrics;
import io.portcullis.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** #18 item 1: the call log tells its observers of every call, and an observer can never fail or change a call. */
class CallLogObserverTest {

    private static CallContext call(String tool) {
        return StageWorld.call(StageWorld.user("alice", List.of(), "dev"), "dev", tool, Json.object());
    }

    @Test
    void everyCallAllowedOrRefusedIsObservedOnceWithItsOutcomeAndControl() throws Exception {
        List<String> seen = new ArrayList<>();
        CallObserver.Many many = new CallObserver.Many();
        many.add((c, outcome, control, took) -> seen.add(c.toolName() + " " + outcome + " " + control));
        CallLog log = new CallLog(many);
        log.handle(call("a"), c -> StageWorld.text("ok"));
        assertThatThrownBy(() -> log.handle(call("b"), c -> {
            throw new GatewayException.Refused("policy", "denied");
        })).isInstanceOf(GatewayException.Refused.class);
        assertThat(seen).containsExactly("a ok null", "b refused policy");
    }

    @Test
    void anObserverThatThrowsDoesNotFailTheCall() throws Exception {
        CallObserver.Many many = new CallObserver.Many();
        many.add((c, outcome, control, took) -> {
            throw new IllegalStateException("a broken metrics backend");
        });
        List<String> after = new ArrayList<>();
        many.add((c, outcome, control, took) -> after.add(outcome));
        var result = new CallLog(many).handle(call("a"), c -> StageWorld.text("fine"));
        assertThat(result.path("content").path(0).path("text").asString()).isEqualTo("fine");
        assertThat(after).containsExactly("ok");
    }

    @Test
    void aToolNameTheCatalogDoesNotKnowIsNeverALabelValue() throws Exception {
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            CallLog log = new CallLog(metrics.calls());
            assertThatThrownBy(() -> log.handle(call("x<script>attacker-chosen"), c -> {
                throw new GatewayException.UnknownTool("x<script>attacker-chosen");
            })).isInstanceOf(GatewayException.UnknownTool.class);
            String scrape = metrics.scrape();
            assertThat(scrape).doesNotContain("attacker-chosen").contains("tool=\"(unknown)\"");
            assertThat(scrape).contains("portcullis_calls_total{control=\"catalog\",environment=\"dev\",outcome=\"refused\",risk=\"none\",tool=\"(unknown)\",upstream=\"none\"} 1.0");
        }
    }
}
