package io.portcullis;

import java.util.function.Supplier;

/** Opening the gateway's resources in order: when one fails, what was opened before it is closed again. */
final class Opening {
    private Opening() {}

    /** {@code open}'s result; if it throws, every one of {@code opened} is closed (in the order given) and the failure goes on. */
    static <T> T orClose(Supplier<T> open, AutoCloseable... opened) {
        try {
            return open.get();
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
