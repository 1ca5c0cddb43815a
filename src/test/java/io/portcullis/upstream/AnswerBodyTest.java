package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.content.AsyncContent;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * #20 item 3: a JSON answer's body is read by Jetty's read and demand loop, without a thread of its
 * own; the bound of #21 item 7 and a body that breaks off still end the read, each exactly once.
 * The body here is Jetty's own asynchronous content: chunks written after the read has started
 * arrive through {@code demand}, as a client's answer does.
 */
class AnswerBodyTest {
    /** What the reader was told, in order. */
    private static final class Told implements AnswerBody.Done {
        final List<String> events = new ArrayList<>();

        @Override
        public void read(byte[] bytes) {
            events.add("read:" + new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void tooLarge() {
            events.add("too large");
        }

        @Override
        public void broke(Throwable failure) {
            events.add("broke:" + failure.getClass().getSimpleName());
        }
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void chunksThatArriveLaterAreReadWhole() {
        AsyncContent body = new AsyncContent();
        Told told = new Told();
        AnswerBody.read(body, 100, told);
        assertThat(told.events).as("nothing has arrived yet: the reader waits on demand, it does not block").isEmpty();
        body.write(false, text("{\"jsonrpc\":"), Callback.NOOP);
        body.write(false, text("\"2.0\",\"id\":1,"), Callback.NOOP);
        assertThat(told.events).isEmpty();
        body.write(true, text("\"result\":{}}"), Callback.NOOP);
        assertThat(told.events).containsExactly("read:{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    }

    @Test
    void aBodyOfExactlyTheBoundIsRead() {
        AsyncContent body = new AsyncContent();
        Told told = new Told();
        AnswerBody.read(body, 10, told);
        body.write(false, text("01234"), Callback.NOOP);
        body.write(true, text("56789"), Callback.NOOP);
        assertThat(told.events).containsExactly("read:0123456789");
    }

    @Test
    void oneByteOverTheBoundIsTooLargeOnceAndNothingIsDelivered() {
        AsyncContent body = new AsyncContent();
        Told told = new Told();
        AnswerBody.read(body, 10, told);
        body.write(false, text("01234"), Callback.NOOP);
        body.write(false, text("567890"), Callback.NOOP);
        body.write(true, text("more"), Callback.NOOP); // the reader stopped: nobody demands this
        assertThat(told.events).containsExactly("too large");
    }

    @Test
    void aBodyThatBreaksOffIsToldOnce() {
        AsyncContent body = new AsyncContent();
        Told told = new Told();
        AnswerBody.read(body, 100, told);
        body.write(false, text("{\"jsonrpc\":"), Callback.NOOP);
        body.fail(new EOFException("reset"));
        assertThat(told.events).containsExactly("broke:EOFException");
    }

    @Test
    void anEmptyBodyIsReadAsNoBytes() {
        AsyncContent body = new AsyncContent();
        Told told = new Told();
        AnswerBody.read(body, 100, told);
        body.close();
        assertThat(told.events).containsExactly("read:");
    }

    @Test
    void aBodyAlreadyThereIsReadOnTheCallersThread() {
        AsyncContent body = new AsyncContent();
        body.write(true, text("{}"), Callback.NOOP);
        Told told = new Told();
        AnswerBody.read(body, 100, told);
        assertThat(told.events).containsExactly("read:{}");
    }
}
