package io.portcullis.approval;

import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;

/**
 * Where approval requests and decisions are written as records of their own (C3.3, C4.1): the
 * audit log, wired in by the gateway. Each method returns once its record is durable.
 *
 * <p>Order and failure, so that the log never under-reports:
 * <ul>
 *   <li>{@link #requested} is written before the request is stored; when it fails the call is
 *       refused and no request exists.</li>
 *   <li>{@link #voted} is written before the vote is stored; when it fails the approver gets 503
 *       and nothing was decided.</li>
 *   <li>{@link #resolved} and {@link #expired} are written after the status changed. When they
 *       fail, the change stands (the vote records already show who decided) and the failure is
 *       logged at ERROR as an audit failure.</li>
 * </ul>
 */
public interface ApprovalRecorder {
    /** Records nothing: for a gateway built without an audit log (unit tests). */
    ApprovalRecorder NONE = new ApprovalRecorder() {
        @Override public void requested(ApprovalRequest r, CallContext call) { }
        @Override public void voted(ApprovalRequest r, Principal approver, boolean approve, String comment) { }
        @Override public void resolved(ApprovalRequest after, Principal by) { }
        @Override public void expired(ApprovalRequest r) { }
    };

    /** A call asked for an approval; {@code r} is the request about to be stored. */
    void requested(ApprovalRequest r, CallContext call) throws Exception;

    /** An approver's decision on {@code r} (as it stood before), about to be stored. */
    void voted(ApprovalRequest r, Principal approver, boolean approve, String comment) throws Exception;

    /** {@code after} left pending: approved (quorum reached) or denied, by the vote of {@code by}. */
    void resolved(ApprovalRequest after, Principal by) throws Exception;

    /** {@code r} ran out of time undecided, or approved but unused: expired means denied. */
    void expired(ApprovalRequest r) throws Exception;
}
