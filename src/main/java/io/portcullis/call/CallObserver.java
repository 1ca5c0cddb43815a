package io.portcullis.call;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Told of every finished tool call, allowed or refused, by the {@code call-log} stage, the one place
 * on the call path where every call ends (#18 item 1: the metrics are recorded there and nowhere
 * else). It reads the call's {@link CallTrail}; it must not throw and must not block.
 */
@FunctionalInterface
public interface CallObserver {
    /** Observes nothing. */
    CallObserver NONE = (call, outcome, control, took) -> { };

    /**
     * @param outcome {@code ok}, {@code tool_error}, {@code refused} or {@code failed} (as the call log says)
     * @param control the control that refused or failed the call, or null when it was answered
     * @param took    the whole call, every stage and the upstream
     */
    void completed(CallContext call, String outcome, String control, Duration took);

    /**
     * The gateway's observers: built once, before the listener that adds the metrics exists, and
     * handed to every snapshot's chain. An observer that throws is skipped: it never fails a call.
     */
    final class Many implements CallObserver {
        private final List<CallObserver> observers = new CopyOnWriteArrayList<>();

        public void add(CallObserver o) {
            observers.add(o);
        }

        public void remove(CallObserver o) {
            observers.remove(o);
        }

        @Override
        public void completed(CallContext call, String outcome, String control, Duration took) {
            for (CallObserver o : observers) {
                try {
                    o.completed(call, outcome, control, took);
                } catch (RuntimeException e) {
                    // metrics are never a reason to fail or slow a call
                }
            }
        }
    }
}
