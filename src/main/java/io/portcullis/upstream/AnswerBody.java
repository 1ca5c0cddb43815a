package io.portcullis.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;

/**
 * Reads an answer's body whole, but never beyond {@code max} bytes, without a thread of its own
 * (#20 item 3: a JSON answer was read by a virtual thread started for it, blocked on an
 * InputStream; each call paid a thread start and a park and wake-up per chunk). Jetty's read and
 * demand loop: take the chunks there are, ask to be called again when there are none, stop at the
 * last one, at a failure, or at the bound. {@link Done} is told exactly once, on the thread that
 * read the last chunk (a client thread of Jetty's), so it must not block.
 */
final class AnswerBody implements Runnable {
    /** What became of the body. */
    interface Done {
        void read(byte[] bytes);

        void tooLarge();

        void broke(Throwable failure);
    }

    private final Content.Source body;
    private final int max;
    private final Done done;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private AnswerBody(Content.Source body, int max, Done done) {
        this.body = body;
        this.max = max;
        this.done = done;
    }

    /** Starts reading {@code body}; returns at once, {@code done} is told later or on this thread. */
    static void read(Content.Source body, int max, Done done) {
        new AnswerBody(body, max, done).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = body.read();
            if (chunk == null) {
                body.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                done.broke(chunk.getFailure());
                return;
            }
            boolean last = chunk.isLast();
            boolean over;
            try {
                ByteBuffer b = chunk.getByteBuffer();
                over = bytes.size() + b.remaining() > max;
                if (!over) {
                    if (b.hasArray()) {
                        bytes.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                    } else {
                        byte[] copy = new byte[b.remaining()];
                        b.duplicate().get(copy);
                        bytes.write(copy, 0, copy.length);
                    }
                }
            } finally {
                chunk.release();
            }
            if (over) {
                done.tooLarge();
                return;
            }
            if (last) {
                done.read(bytes.toByteArray());
                return;
            }
        }
    }
}
