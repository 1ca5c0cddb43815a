package io.portcullis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.audit.AuditConfig;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.Catalog;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** #12 items 2 and 7: the chain of each kind of request, pinned stage by stage, the upstream call last. */
class ChainsTest {
    @TempDir
    Path dir;
    private Store store;
    private AuditLog audit;
    private Chains chains;

    @BeforeEach
    void build() {
        store = Store.open(new StoreConfig(null, dir, 2));
        audit = AuditLog.open(store, AuditConfig.defaults(dir));
        chains = Chains.build(new Chains.Parts(null, Map.of(), Catalog.EMPTY, null, null, audit, null));
    }

    @AfterEach
    void close() {
        audit.close();
        store.close();
    }

    @Test
    void item2_toolCallOrder() {
        assertThat(chains.toolCall().stageNames()).containsExactly("call-log", "audit", "catalog", "pin", "kill-switch", "rate-limit", "tool-switch",
                "readiness-gate", "conversation", "egress", "result-limit", "arguments", "policy",
                "credentials", "audit-intent", "upstream");
    }

    @Test
    void item2_taskResultOrder() {
        assertThat(chains.taskResult().stageNames()).containsExactly("call-log", "audit", "catalog", "pin", "kill-switch", "tool-switch", "egress",
                "result-limit", "credentials", "upstream"); // #16: the read paths pass the credentials stage
    }

    @Test
    void item2_readOrders() {
        assertThat(chains.reads().keySet()).containsExactlyInAnyOrderElementsOf(Chains.READ_METHODS);
        for (String method : Chains.READ_METHODS) {
            assertThat(chains.read(method).stageNames()).as(method).containsExactly("call-log", "audit", "conversation", "egress", "admission",
                    "credentials", "upstream"); // #16: the read paths pass the credentials stage
        }
        assertThatThrownBy(() -> chains.read("tools/call")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The controls readiness evaluates (C3.1's pipeline list, #11 item 22): the tool chain without its upstream call. */
    @Test
    void item2_controlsAreTheToolChainsControlsWithTheirChecklistLines() {
        Map<String, List<String>> controls = Chains.controls(audit, null);
        assertThat(controls.keySet()).containsExactly("call-log", "audit", "catalog", "pin", "kill-switch", "rate-limit", "tool-switch",
                "readiness-gate", "conversation", "egress", "result-limit", "arguments", "policy",
                "credentials", "audit-intent");
        assertThat(controls).isEqualTo(chains.toolCall().controls());
        assertThat(controls.get("catalog")).containsExactly("C2.1");
        assertThat(controls.get("readiness-gate")).containsExactly("G1");
        assertThat(controls.get("kill-switch")).as("#14 item 2").containsExactly("C6.2");
        assertThat(controls.get("rate-limit")).containsExactly("C6.3"); // #14 item 3
        assertThat(controls.get("egress")).containsExactly("C5.1", "C5.2");
        assertThat(controls.get("conversation")).isEmpty(); // #13 items 4, 5: the chaining goal has no checklist line of its own
        assertThat(controls.get("policy")).contains("C3.1");
        assertThat(controls.get("credentials")).containsExactly("C1.2"); // #16 item 1
    }

    /** The last stage answers: a chain never calls past it. */
    @Test
    void item2_theLastStageIsGivenNoNext() {
        Pipeline p = new Pipeline(List.of(), (call, next) -> next.handle(call));
        assertThatThrownBy(() -> p.call(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("last stage");
    }

    /** #13, session 10: the conversation stages write the call count per call only when the snapshot's policy may read it. */
    @Test
    void theConversationStagesWriteTheCountPerCallOnlyWhenThePolicyReadsIt() throws Exception {
        var plain = io.portcullis.policy.Policy.compile(io.portcullis.policy.PolicyConfig.defaults());
        var reads = io.portcullis.policy.Policy.compile(new io.portcullis.policy.PolicyConfig(List.of(
                io.portcullis.policy.PolicyRule.of("many", io.portcullis.policy.Effect.DENY, "session.calls > 100")), java.util.Set.of()));
        assertThat(writesCalls(plain, null)).isFalse();
        assertThat(writesCalls(plain, "resources/read")).isFalse();
        assertThat(writesCalls(reads, null)).isTrue();
        assertThat(writesCalls(reads, "resources/read")).isTrue();
        assertThat(writesCalls(null, null)).as("no policy: written, conservatively").isTrue();
    }

    private boolean writesCalls(io.portcullis.policy.Policy policy, String readMethod) {
        var parts = new Chains.Parts(null, Map.of(), Catalog.EMPTY, policy, null, audit, null);
        var stages = readMethod == null ? Chains.toolCall(parts) : Chains.read(parts, readMethod);
        return stages.stream().filter(s -> s instanceof io.portcullis.conversation.ConversationMemory)
                .map(s -> ((io.portcullis.conversation.ConversationMemory) s).writesCalls()).findFirst().orElseThrow();
    }
}
