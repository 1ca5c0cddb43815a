package io.portcullis.upstream;

import java.util.concurrent.CompletionException;
import org.eclipse.jetty.io.Content;

/**
 * Reads an answer's body whole, but never beyond {@code max} bytes, without a thread of its own
 * (#20 item 3: a JSON answer was read by a virtual thread started for it, blocked on an
 * InputStream; each call paid a thread start and a park and wake-up per chunk). Jetty's own
 * non-blocking reader ({@link Content.Source#asByteArrayAsync}: its read and demand loop) does the
 * reading; this only tells its three endings apart. {@link Done} is told exactly once, on the thread
 * that read the last chunk (a client thread of Jetty's) or on the caller's when the body is already
 * there, so it must not block.
 */
final class AnswerBody {
    /** What became of the body. */
    interface Done {
        void read(byte[] bytes);

        void tooLarge();

        void broke(Throwable failure);
    }

    private AnswerBody() {}

    /** Starts reading {@code body}; returns at once, {@code done} is told later or on this thread. */
    static void read(Content.Source body, int max, Done done) {
        Content.Source.asByteArrayAsync(body, max).whenComplete((bytes, failure) -> {
            if (failure == null) {
                done.read(bytes);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof IllegalStateException) {
                done.tooLarge(); // Jetty's reader fails with this, and fails the body, once max is passed
            } else {
                done.broke(cause);
            }
        });
    }
}
