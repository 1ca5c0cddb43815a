package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order in which approvals meet their recorder (the audit log), and fail-closed when it
 * fails: a vote that cannot be recorded decides nothing; resolutions and expiries are recorded
 * once each.
 */
class ApprovalRecorderTest {
    @TempDir
    Path dir;

    /** Records what it is told, or throws when {@code failing}. */
    static final class Recording implements ApprovalRecorder {
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        private void add(String what) throws Exception {
            if (failing) {
                throw new java.io.IOException("disk full");
            }
            seen.add(what);
        }

        @Override public void requested(ApprovalRequest r, CallContext call) throws Exception { add("requested " + r.id()); }
        @Override public void voted(ApprovalRequest r, Principal approver, boolean approve, String comment) throws Exception {
            add("vote " + approver.subject() + " " + (approve ? "approve" : "deny") + " on " + r.status().id());
        }
        @Override public void resolved(ApprovalRequest after, Principal by) throws Exception {
            add("resolved " + after.status().id() + " by " + by.subject());
        }
        @Override public void expired(ApprovalRequest r) throws Exception { add("expired " + r.id()); }
    }

    @Test
    void aVoteThatCannotBeRecordedDecidesNothing() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 4)); Approvals approvals = new Approvals(store, Clock.systemUTC())) {
            Recording rec = new Recording();
            approvals.recorder(rec);
            ApprovalRequest r = ApprovalStoreTest.request(2, Instant.now());
            new ApprovalStore(store).insert(r);

            rec.failing = true;
            assertThatThrownBy(() -> approvals.decide(r.id(), ApprovalStoreTest.user("bob", "approver"), true, "ok"))
                    .isInstanceOfSatisfying(ApprovalException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("audit log", "nothing was decided");
                    });
            assertThat(approvals.find(r.id()).orElseThrow().votes()).isEmpty();

            rec.failing = false;
            approvals.decide(r.id(), ApprovalStoreTest.user("bob", "approver"), true, "one");
            assertThatThrownBy(() -> approvals.decide(r.id(), ApprovalStoreTest.user("bob", "approver"), true, "again"))
                    .isInstanceOf(ApprovalException.class);
            approvals.decide(r.id(), ApprovalStoreTest.user("carol", "approver"), true, "two");
            assertThat(rec.seen).containsExactly("vote bob approve on pending", "vote carol approve on pending",
                    "resolved approved by carol");
        }
    }

    @Test
    void eachExpiryIsRecordedOnce() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 4)); Approvals approvals = new Approvals(store, Clock.systemUTC())) {
            Recording rec = new Recording();
            approvals.recorder(rec);
            ApprovalRequest old = ApprovalStoreTest.request(1, Instant.now().minus(Duration.ofHours(2)));
            new ApprovalStore(store).insert(old);
            approvals.expireDue();
            approvals.expireDue();
            assertThat(approvals.list(null)).extracting(ApprovalRequest::status).containsExactly(ApprovalRequest.Status.EXPIRED);
            assertThat(rec.seen).containsExactly("expired " + old.id());
        }
    }
}
