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
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (box.stalledNanos() == 0 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertThat(box.stalledNanos()).isPositive();
        } finally {
            box.close();
            release.countDown();
        }
        assertThat(box.offer(new byte[1])).isFalse();
    }
}
