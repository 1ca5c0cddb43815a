package io.portcullis.changes;

import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;

/**
 * #15 item 4: the table {@code config_holds}, shared by every node of a store: each widening config
 * change held for review (by the SHA-256 of its files), its author, its diff, the reviewers who
 * approved it so far, and its state ({@code held}, {@code approved}, {@code rejected}, or
 * {@code superseded} when another config replaced it before a decision), and the authors of the
 * config changes applied to each upstream (the pin review's not-the-author rule, #15 item 2).
 */
final class HeldChanges {
    /** One held change. {@code approvers} and {@code diff} are JSON arrays of strings. */
    record Row(String id, String hash, String heldAt, String source, String author, String fileOwner, String environments,
               int quorum, String diff, String approvers, String state, String decidedAt, String reason) {
        List<String> approverList() {
            List<String> out = new ArrayList<>();
            Json.parse(approvers).forEach(n -> out.add(n.asString()));
            return out;
        }

        List<String> diffLines() {
            List<String> out = new ArrayList<>();
            Json.parse(diff).forEach(n -> out.add(n.asString()));
            return out;
        }
    }

    private static final String COLUMNS = "id, config_hash, held_at, source, author, file_owner, environments, quorum, diff, "
            + "approvers, state, decided_at, reason";

    private final Store store;

    HeldChanges(Store store) {
        this.store = store;
        store.migrate("config_holds", List.of("CREATE TABLE config_holds (id VARCHAR(16) PRIMARY KEY, config_hash VARCHAR(64) NOT NULL, "
                + "held_at VARCHAR(40) NOT NULL, source VARCHAR(1000), author VARCHAR(512), file_owner VARCHAR(512), "
                + "environments VARCHAR(1000) NOT NULL, quorum INTEGER NOT NULL, diff TEXT NOT NULL, approvers TEXT NOT NULL, "
                + "state VARCHAR(16) NOT NULL, decided_at VARCHAR(40), reason TEXT)",
                "CREATE TABLE config_authors (upstream VARCHAR(256) PRIMARY KEY, author VARCHAR(512), file_owner VARCHAR(512), "
                + "changed_at VARCHAR(40) NOT NULL)"));
    }

    /** Every held change, newest first. */
    List<Row> all() throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM config_holds ORDER BY held_at DESC");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    Optional<Row> get(String id) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM config_holds WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Records a held change; another node that held the same files first wins (its row stands). */
    void hold(Row r) throws SQLException {
        store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO config_holds (" + COLUMNS + ") VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                Object[] v = {r.id(), r.hash(), r.heldAt(), r.source(), r.author(), r.fileOwner(), r.environments(), r.quorum(),
                    r.diff(), r.approvers(), r.state(), r.decidedAt(), r.reason()};
                for (int i = 0; i < v.length; i++) {
                    ps.setObject(i + 1, v[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Moves a held change on, only from {@code held} with exactly {@code approversBefore} (so that two
     * reviewers deciding at once on two nodes cannot both count as the last one); false when it moved meanwhile.
     */
    boolean decide(String id, String approversBefore, String approversAfter, String state, String at, String reason)
            throws SQLException {
        return store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE config_holds SET approvers = ?, state = ?, decided_at = ?, "
                    + "reason = ? WHERE id = ? AND state = 'held' AND approvers = ?")) {
                ps.setString(1, approversAfter);
                ps.setString(2, state);
                ps.setString(3, state.equals("held") ? null : at);
                ps.setString(4, reason);
                ps.setString(5, id);
                ps.setString(6, approversBefore);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Marks every held change but {@code keep} superseded: the config file moved on before they were decided. */
    void supersede(String keep, String at) throws SQLException {
        store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE config_holds SET state = 'superseded', decided_at = ? "
                    + "WHERE state = 'held' AND id <> ?")) {
                ps.setString(1, at);
                ps.setString(2, keep == null ? "" : keep);
                return ps.executeUpdate();
            }
        });
    }

    /** Records who changed the config of {@code upstream} last (#15 item 2). */
    void authored(String upstream, String author, String fileOwner, String at) throws SQLException {
        store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM config_authors WHERE upstream = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO config_authors (upstream, author, file_owner, changed_at) "
                         + "VALUES (?, ?, ?, ?)")) {
                del.setString(1, upstream);
                del.executeUpdate();
                ins.setString(1, upstream);
                ins.setString(2, author);
                ins.setString(3, fileOwner);
                ins.setString(4, at);
                return ins.executeUpdate();
            }
        });
    }

    /** Who changed the config of {@code upstream} last: the named author and the file's owner (either may be absent). */
    List<String> authorsOf(String upstream) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT author, file_owner FROM config_authors WHERE upstream = ?")) {
            ps.setString(1, upstream);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    for (int i = 1; i <= 2; i++) {
                        if (rs.getString(i) != null) {
                            out.add(rs.getString(i));
                        }
                    }
                }
            }
        }
        return out;
    }

    static String json(List<String> values) {
        ArrayNode a = Json.array();
        values.forEach(a::add);
        return Json.write(a);
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getInt(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                rs.getString(13));
    }
}
