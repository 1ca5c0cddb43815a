package io.portcullis.call;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work a control leaves for the commit of its call's audit outcome record (#13 item 4, session 9):
 * the audit writer runs it inside the transaction that makes the record durable, so the call costs
 * one commit, not two. The conversation memory's label rows go this way; the audit package runs it
 * without knowing what it writes (no import of the control's package).
 *
 * <p>Order of events (the writer's): {@link #write} in the batch's transaction, the batch's works
 * sorted by {@link #order}; after the commit {@link #committed}, then the call's record future
 * completes, so the next call (which starts after this answer) sees what was written. If the batch
 * fails, {@link #failed} runs and the call is refused by {@code audit}, as any unrecorded call is. If the
 * store rejects only this work (its own rows fail), the work is rolled back alone (a savepoint), the
 * other calls of the batch are unaffected, its record is not written, {@link #failed} runs and
 * {@link #rejected} says what the call gets instead; the outcome stage records that.
 */
public interface WithRecord {
    /** The key a batch's works are run in (PostgreSQL: every node locks the same rows in the same order). */
    String order();

    /** Writes inside the batch's transaction; throwing rejects this work alone. */
    void write(Connection c) throws SQLException;

    /** The transaction committed; runs before the call is answered. */
    void committed();

    /** The work was not committed (its batch failed, or it was rejected alone). */
    void failed();

    /**
     * The store rejected this work alone ({@code cause}): the refusal the call gets instead of what
     * was decided, or null to answer as decided (what to note goes on the trail here).
     */
    GatewayException.Refused rejected(Exception cause);
}
