package io.portcullis.resilience;

/**
 * An {@link Admission} refused a call: every slot is busy and the queue is full, the wait for a
 * slot ran out, or the gateway is draining. Retryable: the caller should try again after
 * {@link #retryAfterSeconds()}. Names the control that refused ({@code overload}, {@code bulkhead},
 * {@code draining}).
 */
public final class Overloaded extends Exception {
    private final String control;
    private final int retryAfterSeconds;

    public Overloaded(String control, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.control = control;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String control() {
        return control;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
