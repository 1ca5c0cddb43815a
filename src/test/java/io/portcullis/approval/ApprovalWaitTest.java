package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.settings.ToolSettings;
import io.portcullis.identity.Principal;
import io.portcullis.testing.ManualTicker;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.policy.ApprovalRequirement;
import io.portcullis.policy.Decision;
import io.portcullis.policy.Effect;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #12 item 5: the approval workflow signals a pending approval through the narrow
 * {@link ApprovalWait} callback (no relay, no ingress type), and #12 item 7: its waits and
 * expiry run on the injected clock, which the test moves (a {@link ManualTicker}).
 */
class ApprovalWaitTest {
    private static final Duration TTL = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final ManualTicker clock = new ManualTicker();
    private final LinkedBlockingQueue<ObjectNode> progress = new LinkedBlockingQueue<>();

    /** The client side of the call: records progress notifications, refuses requests. */
    private final Relay relay = new Relay() {
        @Override
        public void notify(ObjectNode notification) {
            progress.add(notification);
        }

        @Override
        public ObjectNode request(String method, ObjectNode params) throws GatewayException {
            return Relay.NONE.request(method, params);
        }
    };

    private CallContext call(String project) {
        ObjectNode def = Json.object().put("name", "demo__delete_project");
        ToolEntry tool = new ToolEntry("demo__delete_project", "demo", "delete_project", def, ToolSettings.DEFAULT, null,
                io.portcullis.catalog.RiskClass.IRREVERSIBLE, "annotations", null, List.of(), List.of(),
                ToolEntry.ExportStatus.NOT_EXPORT, 1 << 20, io.portcullis.catalog.Oversize.TRUNCATE,
                io.portcullis.catalog.ArgumentCheck.compile(def, Map.of()));
        ObjectNode params = Json.object().put("name", tool.name());
        params.putObject("arguments").put("project", project);
        params.putObject("_meta").put("progressToken", "p-1");
        CallTrail trail = new CallTrail();
        trail.tool(tool);
        return new CallContext(UUID.randomUUID().toString(), ApprovalStoreTest.user("alice", "engineering"), "prod", "s-1",
                "2025-11-25", tool.name(), params, tool, relay, clock.instant(), trail);
    }

    private static Decision needsApproval() {
        return new Decision(Effect.REQUIRE_APPROVAL, List.of("rule-a"), "needs approval",
                new ApprovalRequirement(List.of("approver"), 1, TTL, "deletes data"), List.of());
    }

    /** Runs admit on its own thread; completes with null when let through, or the refusal. */
    private CompletableFuture<GatewayException> admit(Approvals approvals, CallContext call) {
        CompletableFuture<GatewayException> done = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                approvals.admit(call, needsApproval());
                done.complete(null);
            } catch (GatewayException e) {
                done.complete(e);
            }
        });
        return done;
    }

    @Test
    void item7_anOrdinaryWaitEndsWhenApprovalsWaitHasPassedOnTheClock() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 4)); Approvals approvals = new Approvals(store, clock)) {
            CompletableFuture<GatewayException> done = admit(approvals, call("ordinary"));
            assertThat(progress.poll(30, TimeUnit.SECONDS)).as("the wait began").isNotNull();
            // 1 ms short of approvals.wait: the next progress comes from a round that passed the deadline check
            clock.advance(ApprovalsConfig.DEFAULTS.waitFor().minusMillis(1));
            assertThat(progress.poll(30, TimeUnit.SECONDS)).as("still waiting just before approvals.wait").isNotNull();
            assertThat(done).isNotDone();
            clock.advance(Duration.ofMillis(1));
            GatewayException refused = done.get(30, TimeUnit.SECONDS);
            assertThat(refused).isInstanceOf(GatewayException.Refused.class);
            assertThat(refused.getMessage()).contains("is pending", "retry this identical call");
        }
    }

    @Test
    void item5_aListenerThatDetachesTheCallMakesItWaitUntilTheRequestExpires() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 4)); Approvals approvals = new Approvals(store, clock)) {
            CallContext call = call("detached");
            CompletableFuture<ApprovalWait.Pending> told = new CompletableFuture<>();
            GatewayException refused;
            try (var listening = approvals.onWait(call.callId(), p -> told.complete(p))) {
                assertThat(approvals.listening()).isEqualTo(1);
                CompletableFuture<GatewayException> done = admit(approvals, call);
                ApprovalWait.Pending pending = told.get(30, TimeUnit.SECONDS);
                assertThat(pending.approvalId()).startsWith("apr_");
                assertThat(pending.statusMessage()).contains(pending.approvalId(), "/approve");
                assertThat(pending.expires()).isEqualTo(clock.instant().plus(TTL));
                assertThat(progress.poll(30, TimeUnit.SECONDS)).as("first progress").isNotNull();

                // past approvals.wait: the next progress comes from a round of the loop that did not refuse the call
                clock.advance(ApprovalsConfig.DEFAULTS.waitFor().plus(ApprovalsConfig.DEFAULTS.progressInterval()));
                assertThat(progress.poll(30, TimeUnit.SECONDS)).as("still waiting after approvals.wait").isNotNull();
                assertThat(done).isNotDone(); // bounded: the progress above was sent after the deadline check

                clock.advance(TTL);
                refused = done.get(30, TimeUnit.SECONDS);
            }
            assertThat(refused.getMessage()).contains("expired at", "expired means denied");
            assertThat(approvals.listening()).as("the listener left with its call").isZero();
        }
    }

    @Test
    void item5_aListenerOfAnotherCallIsNotTold() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 4)); Approvals approvals = new Approvals(store, clock)) {
            CompletableFuture<ApprovalWait.Pending> told = new CompletableFuture<>();
            try (var listening = approvals.onWait("another-call", p -> told.complete(p))) {
                CompletableFuture<GatewayException> done = admit(approvals, call("other"));
                assertThat(progress.poll(30, TimeUnit.SECONDS)).isNotNull();
                clock.advance(ApprovalsConfig.DEFAULTS.waitFor());
                assertThat(done.get(30, TimeUnit.SECONDS).getMessage()).contains("is pending");
            }
            assertThat(told).isNotDone();
        }
    }
}
