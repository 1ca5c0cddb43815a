package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * #20 item 3 (CPU per call) with #21 item 5 kept: the record a call gets when its caller gives up
 * waiting (the refusal) is built only then, not for every call; once abandoned it is what the
 * writer writes, and a record the writer is already committing as decided cannot be abandoned.
 */
class PendingRefusalTest {
    private static final AuditWriter.Encoded DECIDED = new AuditWriter.Encoded("{\"as\":\"decided\"}", null);
    private static final AuditWriter.Encoded REFUSED = new AuditWriter.Encoded("{\"as\":\"refused\"}", null);

    private final AtomicInteger built = new AtomicInteger();

    private AuditWriter.Pending pending(boolean abandonable) {
        return new AuditWriter.Pending("dev", DECIDED, () -> {
            built.incrementAndGet();
            return REFUSED;
        }, new AtomicReference<>(), abandonable, new AtomicInteger(), new CompletableFuture<>());
    }

    @Test
    void item3_aRecordWrittenInTimeNeverBuildsItsRefusal() {
        AuditWriter.Pending p = pending(true);
        assertThat(p.state().compareAndSet(AuditWriter.Pending.WAITING, AuditWriter.Pending.COMMITTING)).isTrue();
        assertThat(p.current()).isSameAs(DECIDED);
        assertThat(p.abandon()).isFalse(); // the writer committed first: the answer waits for that commit
        assertThat(p.current()).isSameAs(DECIDED);
        assertThat(built).hasValue(0);
    }

    @Test
    void item3_anAbandonedRecordIsWrittenAsTheRefusalBuiltOnce() {
        AuditWriter.Pending p = pending(true);
        assertThat(p.current()).isSameAs(DECIDED);
        assertThat(p.abandon()).isTrue();
        assertThat(p.current()).isSameAs(REFUSED);
        assertThat(p.abandon()).isFalse();
        assertThat(p.state().compareAndSet(AuditWriter.Pending.WAITING, AuditWriter.Pending.COMMITTING)).isFalse();
        assertThat(p.current()).isSameAs(REFUSED);
        assertThat(built).hasValue(1);
    }

    @Test
    void item3_anIntentAbandonedIsNotWrittenAndARecordThatMustLandCannotBeAbandoned() {
        AuditWriter.Pending intent = new AuditWriter.Pending("dev", DECIDED, null, new AtomicReference<>(), true,
                new AtomicInteger(), new CompletableFuture<>());
        assertThat(intent.abandon()).isTrue();
        assertThat(intent.current()).isNull();
        AuditWriter.Pending mustLand = pending(false);
        assertThat(mustLand.abandon()).isFalse();
        assertThat(mustLand.current()).isSameAs(DECIDED);
        assertThat(built).hasValue(0);
    }
}
