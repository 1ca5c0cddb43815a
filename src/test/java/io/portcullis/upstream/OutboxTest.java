package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Issue #21 item 3: writing to a child that reads nothing never blocks the caller; a full queue refuses at once. */
class OutboxTest {

    @Test
    void item3_aChildThatReadsNothingNeverBlocksAnOfferAndAFullQueueRefuses() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                writing.countDown();
                try {
                    release.await(); // a pipe nobody reads
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        };
        Outbox box = new Outbox("t", stuck, why -> { });
        try {
            byte[] mb = new byte[1024 * 1024];
            assertThat(box.offer(mb)).isTrue();
            writing.await();
            int accepted = 0;
            while (box.offer(mb)) {
                accepted++;
                assertThat(accepted).isLessThanOrEqualTo((int) (Outbox.MAX_BYTES / mb.length));
            }
            assertThat(accepted).isEqualTo((int) (Outbox.MAX_BYTES / mb.length));
            assertThat(box.backlog()).startsWith(accepted + " messages");
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(box.stalledNanos()).isPositive());
        } finally {
            box.close();
            release.countDown();
        }
        assertThat(box.offer(new byte[1])).isFalse();
    }

    /**
     * #21 item 4: requests queued behind a write that blocks (a child that stopped reading) are not
     * written once their deadline has passed, nor once their call released them; only a live request is
     * written, and only the written one is reported sent.
     */
    @Test
    void item4_aQueuedRequestPastItsDeadlineOrReleasedIsNeverWritten() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
                if (first.getCount() > 0) {
                    first.countDown();
                    try {
                        unblock.await(); // the child reads nothing until the test lets it
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                written.write(b, off, len);
            }
        };
        java.util.List<Long> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        Outbox box = new Outbox("t", slow, why -> { }, sent::add);
        try {
            assertThat(box.offer("A".getBytes(), 1L, 0)).isTrue();
            first.await();
            long past = System.nanoTime() - 1;
            assertThat(box.offer("EXPIRED".getBytes(), 2L, past)).isTrue();
            assertThat(box.offer("RELEASED".getBytes(), 3L, System.nanoTime() + Duration.ofMinutes(1).toNanos())).isTrue();
            assertThat(box.offer("LIVE".getBytes(), 4L, System.nanoTime() + Duration.ofMinutes(1).toNanos())).isTrue();
            box.release(3L);
            unblock.countDown();
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10), "LIVE was written", () -> written.toString().contains("LIVE"));
            assertThat(written.toString()).contains("A", "LIVE").doesNotContain("EXPIRED", "RELEASED");
            assertThat(sent).containsExactly(1L, 4L);
        } finally {
            box.close();
        }
    }

    /**
     * #12 (the stdio peak rows): requests that wait together reach the child in one write, in their
     * order, each on its own line, and each is reported sent.
     */
    @Test
    void item12_requestsQueuedTogetherReachTheChildInOneWrite() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        java.util.List<String> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
        OutputStream pipe = new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                if (first.getCount() > 0) {
                    first.countDown();
                    try {
                        unblock.await(); // the child is busy with the first request
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                writes.add(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        java.util.List<Long> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        Outbox box = new Outbox("t", pipe, why -> { }, sent::add);
        try {
            assertThat(box.offer("{\"id\":1}".getBytes(), 1L, 0)).isTrue();
            first.await();
            for (long id = 2; id <= 5; id++) {
                assertThat(box.offer(("{\"id\":" + id + "}").getBytes(), id, 0)).isTrue();
            }
            unblock.countDown();
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10), "all were written", () -> writes.size() >= 2);
            assertThat(writes).containsExactly("{\"id\":1}\n", "{\"id\":2}\n{\"id\":3}\n{\"id\":4}\n{\"id\":5}\n");
            assertThat(sent).containsExactly(1L, 2L, 3L, 4L, 5L);
        } finally {
            box.close();
        }
    }
}
