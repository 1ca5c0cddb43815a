package io.portcullis.approval;

import java.time.Instant;

/**
 * Told right before a call starts waiting for an approval decision (#12 item 5): the narrow way
 * the approval workflow signals a pending approval to whoever runs the call, in place of a
 * method on the relay. A 2025-11-25 task-augmented call registers one ({@link Approvals#onWait})
 * to become a gateway task: the client is answered with the task at once, and the call goes on
 * waiting until the approval request itself expires instead of {@code approvals.wait}.
 */
@FunctionalInterface
public interface ApprovalWait {

    /** What the call waits for. */
    record Pending(String approvalId, String statusMessage, Instant expires) {}

    /**
     * @return true when the call was detached from its request (it became a task) and should wait
     *         until the request expires; false keeps the ordinary wait of {@code approvals.wait}
     */
    boolean waiting(Pending pending);

    /** Nobody listens: the ordinary wait. */
    ApprovalWait NONE = pending -> false;

    /** A registration of a listener; closing it removes the listener (the registry never only grows). */
    interface Listening extends AutoCloseable {
        @Override
        void close();
    }
}
