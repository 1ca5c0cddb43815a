package io.portcullis.pin;

import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * #15 "How it is shown: two nodes on PostgreSQL": a review decided or a quarantine recorded by another
 * node of a shared store reaches this node's catalog within about a second. Every second the pins are read
 * (each item's pinned hash, waiting hash and state); when they differ from the last reading, {@code changed}
 * runs (the gateway checks its catalog against the pins again and tells clients what changed). A pins table
 * that stops or starts answering is a change too (while it cannot be read every item is refused, control pin).
 */
public final class PinWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PinWatch.class);

    private final Thread thread;

    public PinWatch(Pins pins, Runnable changed) {
        String first = reading(pins); // read before this returns: a change right after construction is seen
        this.thread = Thread.ofVirtual().name("pin-watch").start(() -> watch(pins, changed, first));
    }

    private static void watch(Pins pins, Runnable changed, String first) {
        String last = first;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            String now = reading(pins);
            if (!now.equals(last)) {
                try {
                    changed.run();
                    last = now; // only once the catalog was checked: a failed check is tried again next second,
                                // never left stale (another node's quarantine must hold here too)
                } catch (RuntimeException e) {
                    LOG.warn("pins changed on another node but the catalog could not be checked again (tried again in 1 s): {}",
                            e.toString());
                }
            }
        }
    }

    /** What the decisions on every item are now; "unreadable" while the pins cannot be read. */
    static String reading(Pins pins) {
        try {
            StringBuilder b = new StringBuilder();
            for (var e : pins.store().all().entrySet()) {
                PinStore.Row r = e.getValue();
                b.append(e.getKey()).append(' ').append(r.hash()).append(' ').append(r.pendingHash()).append(' ')
                        .append(r.pendingState()).append('\n');
            }
            return b.toString();
        } catch (SQLException | RuntimeException e) {
            return "unreadable";
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
