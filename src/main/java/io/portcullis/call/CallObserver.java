package io.portcullis.call;

import java.time.Duration;

/**
 * Told of every finished tool call, allowed or refused, by the {@code call-log} stage, the one place
 * on the call path where every call ends (#18 item 1: the metrics are recorded there and nowhere
 * else), and of each control's own time by {@link StageTimer}. It reads the call's {@link CallTrail};
 * it must not throw and must not block.
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
     * #18 item 1: one stage of a tool call took {@code nanos} of its own (its time less the stages
     * inside it), told by {@link StageTimer}. Called once per stage per call: must be cheap.
     *
     * @param environment the call's environment (may be null)
     * @param control     the stage's name ({@code policy}, {@code arguments}, {@code egress}, ..., {@code upstream})
     */
    default void stageTook(String environment, String control, long nanos) {
    }

    /**
     * #18 item 1 (leftover): as {@link #stageTook(String, String, long)}, for a stage of the chain of
     * {@code method} ({@code tools/call}, {@code tasks/result}, {@code resources/read},
     * {@code resources/subscribe}, {@code prompts/get}, {@code completion/complete}: a fixed set).
     * By default the method is dropped.
     */
    default void stageTook(String environment, String method, String control, long nanos) {
        stageTook(environment, control, nanos);
    }

    /**
     * The gateway's observers: built once, before the listener that adds the metrics exists, and
     * handed to every snapshot's chain. An observer that throws is skipped: it never fails a call.
     * Held in an array that is replaced on change, so telling them allocates nothing per call.
     */
    final class Many implements CallObserver {
        private volatile CallObserver[] observers = new CallObserver[0];

        public synchronized void add(CallObserver o) {
            CallObserver[] next = java.util.Arrays.copyOf(observers, observers.length + 1);
            next[observers.length] = o;
            observers = next;
        }

        public synchronized void remove(CallObserver o) {
            java.util.List<CallObserver> left = new java.util.ArrayList<>(java.util.Arrays.asList(observers));
            left.remove(o);
            observers = left.toArray(new CallObserver[0]);
        }

        /** How many observers there are (none when metrics are off). */
        public int size() {
            return observers.length;
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

        @Override
        public void stageTook(String environment, String control, long nanos) {
            stageTook(environment, StageTimer.TOOL_CALL, control, nanos);
        }

        @Override
        public void stageTook(String environment, String method, String control, long nanos) {
            for (CallObserver o : observers) {
                try {
                    o.stageTook(environment, method, control, nanos);
                } catch (RuntimeException e) {
                    // as above
                }
            }
        }
    }
}
