package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #19: the audit writer tells its batch size (records per group commit) to a listener, the source
 * of {@code portcullis_audit_commit_records}: records that queued behind a busy writer are one
 * commit of that many records, a lone record one of one, and the sizes add up to the records made
 * durable, one size per commit the latency histogram counts.
 */
class AuditCommitBatchSizeTest {
    @TempDir
    Path dir;
    AuditFixture f;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        if (f != null) {
            f.close();
        }
    }

    @Test
    void recordsQueuedBehindTheWriterAreOneCommitAndItsSizeIsTold() throws Exception {
        f = new AuditFixture(Kind.SQLITE, dir);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        AtomicInteger commits = new AtomicInteger();
        f.log.stats().onBatch(sizes::add);
        f.log.stats().onCommit(n -> commits.incrementAndGet());
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> job = f.log.writer().run((c, w) -> {
            busy.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue();
        long before = f.log.stats().records();
        sizes.clear();
        commits.set(0);
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CallContext c = AuditFixture.call("dev", "alice", AuditFixture.tool("demo__search", true), Json.object(), Origin.NONE);
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return f.run(c, x -> AuditFixture.text("ok"));
                } catch (GatewayException e) {
                    return e;
                }
            }, threads));
        }
        Eventually.eventually(Duration.ofSeconds(30), "four records queued", () -> f.log.stats().queueDepth() == 4);
        release.countDown();
        job.get(30, TimeUnit.SECONDS);
        for (CompletableFuture<Object> a : answers) {
            assertThat(a.get(30, TimeUnit.SECONDS)).isNotInstanceOf(GatewayException.class);
        }
        assertThat(sizes).containsExactly(4);
        assertThat(commits).hasValue(1);

        f.calls("dev", 1); // alone: a batch of one
        assertThat(sizes).containsExactly(4, 1);
        assertThat(commits).hasValue(2);
        assertThat(f.log.stats().records() - before).isEqualTo(5);
    }
}
