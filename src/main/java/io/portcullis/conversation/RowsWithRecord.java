package io.portcullis.conversation;

import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.WithRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's conversation rows committed with its audit outcome record (#13 item 4, session 9): one
 * transaction and one fsync per batch of calls for both, instead of the memory's own group commit
 * beside the audit writer's. Fail closed as before: the batch's commit failing refuses the call
 * ({@code audit}); the store rejecting only these rows (rolled back alone, the batch's other calls
 * unaffected) is what {@link ConversationMemory} did when it could not record: the result is
 * withheld (control {@code conversation}) when it added labels, else the failure is noted.
 */
final class RowsWithRecord implements WithRecord {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.conversation");
    private final ConversationRows rows;
    private final CallContext call;
    private final Collection<String> labels;
    private final List<String> gained;
    private final boolean withholds;

    /** @param withholds whether a result was delivered (a rejection then withholds it when it added labels) */
    RowsWithRecord(ConversationRows rows, CallContext call, Collection<String> labels, List<String> gained, boolean withholds) {
        this.rows = rows;
        this.call = call;
        this.labels = List.copyOf(labels);
        this.gained = List.copyOf(gained);
        this.withholds = withholds;
    }

    @Override
    public String order() {
        return rows.hashed;
    }

    @Override
    public void write(Connection c) throws SQLException {
        rows.write(c);
    }

    @Override
    public void committed() {
        rows.committed();
    }

    @Override
    public void failed() {
        rows.failed();
    }

    @Override
    public GatewayException.Refused rejected(Exception cause) {
        return ConversationMemory.notRecorded(call, labels, gained, withholds, cause);
    }
}
