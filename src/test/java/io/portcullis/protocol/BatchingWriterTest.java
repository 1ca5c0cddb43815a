package io.portcullis.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * #12 (the stdio peak rows): the stdio ingress's answers, written by many calls at once, leave
 * in as few writes as they come, whole, one a line, in order.
 */
class BatchingWriterTest {

    /** Records each write; the first one blocks until {@code unblock} while {@code block} is set. */
    static final class Pipe extends OutputStream {
        final List<String> writes = new CopyOnWriteArrayList<>();
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch unblock = new CountDownLatch(1);
        volatile boolean block;
        volatile boolean broken;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (broken) {
                throw new IOException("Broken pipe");
            }
            if (block) {
                block = false;
                writing.countDown();
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    }

    static tools.jackson.databind.node.ObjectNode msg(int i) {
        return Json.object().put("id", i);
    }

    @Test
    void item12_oneWriterAloneWritesEachMessageAtOnce() throws Exception {
        Pipe pipe = new Pipe();
        BatchingWriter w = new BatchingWriter(pipe);
        w.write(msg(1));
        assertThat(pipe.writes).containsExactly("{\"id\":1}\n");
        w.write(msg(2));
        assertThat(pipe.writes).containsExactly("{\"id\":1}\n", "{\"id\":2}\n");
    }

    @Test
    void item12_messagesWrittenWhileAnotherWriteIsUnderWayLeaveTogetherInOneWriteInOrder() throws Exception {
        Pipe pipe = new Pipe();
        pipe.block = true;
        BatchingWriter w = new BatchingWriter(pipe);
        Thread first = Thread.ofVirtual().start(() -> {
            try {
                w.write(msg(1));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        pipe.writing.await();
        // another thread is writing: these return at once, without waiting for the stream
        w.write(msg(2));
        w.write(msg(3));
        w.write(msg(4));
        assertThat(pipe.writes).isEmpty();
        pipe.unblock.countDown();
        first.join(Duration.ofSeconds(10));
        assertThat(first.isAlive()).isFalse();
        assertThat(pipe.writes).containsExactly("{\"id\":1}\n", "{\"id\":2}\n{\"id\":3}\n{\"id\":4}\n");
    }

    @Test
    void item12_concurrentWritersNeverInterleaveAndLoseNothing() throws Exception {
        Pipe pipe = new Pipe();
        BatchingWriter w = new BatchingWriter(pipe);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 32; t++) {
                int base = t * 1000;
                threads.execute(() -> {
                    for (int i = 0; i < 200; i++) {
                        try {
                            w.write(msg(base + i));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
            }
        }
        List<String> lines = new ArrayList<>();
        for (String write : pipe.writes) {
            assertThat(write).endsWith("\n");
            lines.addAll(List.of(write.split("\n")));
        }
        assertThat(lines).hasSize(32 * 200).allMatch(l -> l.matches("\\{\"id\":\\d+}"));
        Set<String> distinct = new HashSet<>(lines);
        assertThat(distinct).hasSize(32 * 200);
        // each writer's own messages in the order it wrote them
        for (int t = 0; t < 32; t++) {
            int base = t * 1000;
            List<Integer> mine = lines.stream().map(l -> Integer.parseInt(l.replaceAll("\\D", "")))
                    .filter(i -> i >= base && i < base + 200).toList();
            assertThat(mine).isSorted();
        }
    }

    @Test
    void item12_aBrokenStreamFailsTheWriterAndEveryWriteAfterIt() throws Exception {
        Pipe pipe = new Pipe();
        BatchingWriter w = new BatchingWriter(pipe);
        pipe.broken = true;
        assertThatThrownBy(() -> w.write(msg(1))).isInstanceOf(IOException.class).hasMessageContaining("Broken pipe");
        pipe.broken = false;
        assertThatThrownBy(() -> w.write(msg(2))).isInstanceOf(IOException.class).hasMessageContaining("Broken pipe");
        assertThat(pipe.writes).isEmpty();
    }
}
