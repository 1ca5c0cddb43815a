package io.portcullis.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;

/**
 * Bounded admission (#21 item 14): at most {@code max_concurrent} calls run, at most
 * {@code max_queue} more wait (each up to {@code max_wait}) for a slot, and any call beyond that is
 * refused at once with {@link Overloaded}, so that overload becomes fast, retryable refusals
 * instead of minutes of queueing.
 *
 * <p>Built from two Resilience4j semaphore bulkheads, in this order:
 * {@code Queue(Slots(call))}: {@code queue} holds {@code max_concurrent + max_queue} permits and
 * never waits (a call that finds it full is refused at once); {@code slots} holds
 * {@code max_concurrent} permits and lets a call wait up to {@code max_wait}. A call holding a
 * queue permit but no slot is one of the waiting calls, so the wait line can never grow past
 * {@code max_queue}.
 *
 * <p>Usage: {@code try (Admission.Permit p = admission.enter()) { ... }}.
 */
public final class Admission {
    private final String name;
    private final String control;
    private final AdmissionConfig config;
    private final Bulkhead queue;
    private final Bulkhead slots;

    private Admission(String name, String control, AdmissionConfig config) {
        this.name = name;
        this.control = control;
        this.config = config;
        this.queue = Bulkhead.of(name + "-queue", BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrent() + config.maxQueue()).maxWaitDuration(Duration.ZERO).build());
        this.slots = Bulkhead.of(name + "-slots", BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrent()).maxWaitDuration(config.maxWait()).build());
    }

    /**
     * @param name    what is guarded, for messages ({@code listener}, {@code upstream tickets})
     * @param control the control named in a refusal ({@code overload} for a listener, {@code bulkhead} for an upstream)
     */
    public static Admission of(String name, String control, AdmissionConfig config) {
        return new Admission(name, control, config);
    }

    public AdmissionConfig config() {
        return config;
    }

    /** One admitted call; closing it frees its slot. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Admits one call, waiting up to {@code max_wait} for a slot when the queue has room.
     *
     * @throws Overloaded at once when every slot is taken and the queue is full, or when the wait ran out
     */
    public Permit enter() throws Overloaded {
        if (!queue.tryAcquirePermission()) {
            throw new Overloaded(control, name + " is at capacity (" + config.maxConcurrent() + " calls in flight, "
                    + config.maxQueue() + " waiting); retry shortly", 1);
        }
        boolean slot;
        try {
            slot = slots.tryAcquirePermission();
        } catch (RuntimeException e) {
            queue.onComplete();
            throw e;
        }
        if (!slot) {
            queue.onComplete();
            throw new Overloaded(control, name + " is at capacity: no slot came free within " + config.maxWait().toMillis()
                    + " ms; retry shortly", 1);
        }
        return new Permit() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    slots.onComplete();
                    queue.onComplete();
                }
            }
        };
    }

    /** Calls waiting for a slot now. */
    public int waiting() {
        int admitted = config.maxConcurrent() + config.maxQueue() - queue.getMetrics().getAvailableConcurrentCalls();
        return Math.max(0, admitted - inFlight());
    }

    /** Calls holding a slot now. */
    public int inFlight() {
        return config.maxConcurrent() - slots.getMetrics().getAvailableConcurrentCalls();
    }
}
