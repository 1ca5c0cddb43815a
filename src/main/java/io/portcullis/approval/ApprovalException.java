package io.portcullis.approval;

/**
 * An approver's decision that cannot be taken, with the HTTP status the admin API answers:
 * 404 unknown (or not visible to this principal), 403 not allowed (the caller itself, or a
 * principal without an approver role), 409 no longer pending or already decided by this approver,
 * 400 a bad comment, 503 the store failed (nothing was recorded).
 */
public final class ApprovalException extends Exception {
    private final int status;

    public ApprovalException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
