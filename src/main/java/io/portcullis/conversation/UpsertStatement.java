package io.portcullis.conversation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The upsert of {@link ConversationRows}, prepared once per connection checkout and thread, not once
 * per call (#13 item 4; session 9, cheaper rows): the audit writer runs a batch's calls' rows one
 * after the other on the batch's connection, so they share one statement. The statement is the
 * connection's: closing the connection (the pool's proxy) closes it, and the next checkout is a
 * new proxy, so a statement is never used on a connection other than the one that prepared it.
 */
final class UpsertStatement {
    private UpsertStatement() {}

    private record Held(Connection connection, PreparedStatement statement) {}

    private static final ThreadLocal<Held> HELD = new ThreadLocal<>();

    /** The statement for {@code c}, empty of any batch; not to be closed by the caller. */
    static PreparedStatement on(Connection c, String sql) throws SQLException {
        Held held = HELD.get();
        if (held != null && held.connection() == c && !held.statement().isClosed()) {
            held.statement().clearBatch(); // a batch that failed before (guarded run again) leaves nothing behind
            return held.statement();
        }
        HELD.remove(); // the old connection was closed (and its statement with it) or is not this one
        PreparedStatement ps = c.prepareStatement(sql);
        HELD.set(new Held(c, ps));
        return ps;
    }

    /** After a failure of the statement: the next use prepares a new one. */
    static void forget(Connection c) {
        Held held = HELD.get();
        if (held != null && held.connection() == c) {
            HELD.remove();
            try {
                held.statement().close();
            } catch (SQLException ignored) {
                // the connection's close closes it in any case
            }
        }
    }
}
