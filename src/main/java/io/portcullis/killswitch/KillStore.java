package io.portcullis.killswitch;

import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * #14 item 2 (C6.2): the kill switches in the store, in SQL that SQLite and PostgreSQL both run.
 * {@code kill_switches} holds the switches in force; {@code kill_switch_history} every flip (kill
 * and unkill, who, scope, reason), in order: the run-time part of the changelog, which a later
 * changelog (#15 item 6) reads. Its largest {@code seq} is the version the nodes poll; a flip's
 * {@code audited_by} is the node that wrote its audit record (null until one did). On PostgreSQL
 * each flip also sends {@code NOTIFY} on {@link #CHANNEL}, so that the other nodes re-read at once.
 */
public final class KillStore {
    /** The PostgreSQL notification channel of flips. */
    public static final String CHANNEL = "portcullis_kill_switches";

    /** Append-only migrations of the component {@code kill_switches}: never edit or reorder, only add. */
    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE kill_switches (scope VARCHAR(16) NOT NULL, name VARCHAR(256) NOT NULL, environment VARCHAR(64) NOT NULL, "
                    + "read_only INTEGER NOT NULL, reason TEXT NOT NULL, set_by VARCHAR(256) NOT NULL, set_at BIGINT NOT NULL, "
                    + "PRIMARY KEY (scope, name, environment))",
            "CREATE TABLE kill_switch_history (seq BIGINT PRIMARY KEY, action VARCHAR(8) NOT NULL, scope VARCHAR(16) NOT NULL, "
                    + "name VARCHAR(256) NOT NULL, environment VARCHAR(64) NOT NULL, read_only INTEGER NOT NULL, reason TEXT NOT NULL, "
                    + "set_by VARCHAR(256) NOT NULL, set_at BIGINT NOT NULL, audited_by VARCHAR(64))");

    /** One flip: {@code action} is {@code kill} or {@code unkill}. */
    public record Flip(long seq, String action, KillSwitch sw) {
        /** The flip as its audit record carries it (kind {@code kill_switch}, docs/audit.md). */
        public tools.jackson.databind.node.ObjectNode toJson() {
            return io.portcullis.protocol.Json.object().put("seq", seq).put("action", action).put("scope", sw.scope().word())
                    .put("name", sw.name()).put("environment", sw.environment().isEmpty() ? "*" : sw.environment())
                    .put("read_only", sw.readOnly()).put("reason", sw.reason()).put("at", sw.at().toString());
        }

        /** The tool a tool switch names, else null. */
        public String tool() {
            return sw.scope() == KillSwitch.Scope.TOOL ? sw.name() : null;
        }
    }

    private final Store store;

    private KillStore(Store store) {
        this.store = store;
    }

    /** Opens the tables on {@code store} (applying their migrations). */
    public static KillStore open(Store store) {
        store.migrate("kill_switches", MIGRATIONS);
        return new KillStore(store);
    }

    public Store store() {
        return store;
    }

    /** Sets (or replaces) a switch and records the flip. */
    public Flip kill(KillSwitch s) throws SQLException {
        return store.inTransaction(c -> {
            begin(c);
            delete(c, s.scope(), s.name(), s.environment());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kill_switches (scope, name, environment, read_only, "
                    + "reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                bind(ps, s, 1);
                ps.executeUpdate();
            }
            return record(c, "kill", s);
        });
    }

    /** Lifts a switch and records the flip; empty (and nothing recorded) when no such switch is in force. */
    public Optional<Flip> unkill(KillSwitch.Scope scope, String name, String environment, String reason, String by)
            throws SQLException {
        return store.inTransaction(c -> {
            begin(c);
            Optional<KillSwitch> old = active(c).stream().filter(s -> s.scope() == scope && s.name().equals(name)
                    && s.environment().equals(scope == KillSwitch.Scope.ENVIRONMENT ? name : environment == null ? "" : environment))
                    .findFirst();
            if (old.isEmpty()) {
                return Optional.<Flip>empty();
            }
            KillSwitch o = old.get();
            delete(c, scope, o.name(), o.environment());
            return Optional.of(record(c, "unkill", new KillSwitch(scope, o.name(), o.environment(), o.readOnly(),
                    reason == null || reason.isBlank() ? "(no reason given)" : reason, by, Instant.now())));
        });
    }

    /** The switches in force. */
    public List<KillSwitch> active() throws SQLException {
        try (Connection c = store.connection()) {
            return active(c);
        }
    }

    /** The largest flip number (0 before the first): what the nodes poll. */
    public long version() throws SQLException {
        try (Connection c = store.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(seq) FROM kill_switch_history")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The last {@code limit} flips, newest first. */
    public List<Flip> history(int limit) throws SQLException {
        return flips("SELECT seq, action, scope, name, environment, read_only, reason, set_by, set_at FROM kill_switch_history "
                + "ORDER BY seq DESC LIMIT " + Math.max(1, limit));
    }

    /** The flips no node has written an audit record of yet, oldest first. */
    List<Flip> unaudited() throws SQLException {
        return flips("SELECT seq, action, scope, name, environment, read_only, reason, set_by, set_at FROM kill_switch_history "
                + "WHERE audited_by IS NULL ORDER BY seq LIMIT 100");
    }

    /** Takes the audit of a flip for {@code node}; false when another node took it first. */
    boolean claim(long seq, String node) throws SQLException {
        return update("UPDATE kill_switch_history SET audited_by = ? WHERE seq = ? AND audited_by IS NULL", node, seq) == 1;
    }

    /** Gives a flip's audit back (its record could not be made durable): the next refresh tries again. */
    void release(long seq) throws SQLException {
        update("UPDATE kill_switch_history SET audited_by = NULL WHERE seq = ? AND audited_by IS NOT NULL", null, seq);
    }

    private int update(String sql, String node, long seq) throws SQLException {
        return store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (node != null) {
                    ps.setString(i++, node);
                }
                ps.setLong(i, seq);
                return ps.executeUpdate();
            }
        });
    }

    private void begin(Connection c) throws SQLException {
        store.beginWrite(c);
        if (store.dialect() == Store.Dialect.POSTGRES) {
            try (Statement st = c.createStatement()) {
                st.execute("LOCK TABLE kill_switch_history IN EXCLUSIVE MODE"); // one flip number at a time across nodes
            }
        }
    }

    private static void delete(Connection c, KillSwitch.Scope scope, String name, String env) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM kill_switches WHERE scope = ? AND name = ? AND environment = ?")) {
            ps.setString(1, scope.word());
            ps.setString(2, name);
            ps.setString(3, env);
            ps.executeUpdate();
        }
    }

    private Flip record(Connection c, String action, KillSwitch s) throws SQLException {
        long seq;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(seq) FROM kill_switch_history")) {
            seq = (rs.next() ? rs.getLong(1) : 0) + 1;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kill_switch_history (seq, action, scope, name, environment, "
                + "read_only, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, seq);
            ps.setString(2, action);
            bind(ps, s, 3);
            ps.executeUpdate();
        }
        if (store.dialect() == Store.Dialect.POSTGRES) {
            try (Statement st = c.createStatement()) {
                st.execute("NOTIFY " + CHANNEL); // delivered at commit, to every node listening
            }
        }
        return new Flip(seq, action, s);
    }

    private static void bind(PreparedStatement ps, KillSwitch s, int from) throws SQLException {
        ps.setString(from, s.scope().word());
        ps.setString(from + 1, s.name());
        ps.setString(from + 2, s.environment());
        ps.setInt(from + 3, s.readOnly() ? 1 : 0);
        ps.setString(from + 4, s.reason());
        ps.setString(from + 5, s.by());
        ps.setLong(from + 6, s.at().toEpochMilli());
    }

    private static List<KillSwitch> active(Connection c) throws SQLException {
        List<KillSwitch> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT scope, name, environment, read_only, "
                + "reason, set_by, set_at FROM kill_switches ORDER BY set_at, scope, name")) {
            while (rs.next()) {
                out.add(row(rs, 1));
            }
        }
        return out;
    }

    private List<Flip> flips(String sql) throws SQLException {
        List<Flip> out = new ArrayList<>();
        try (Connection c = store.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(new Flip(rs.getLong(1), rs.getString(2), row(rs, 3)));
            }
        }
        return out;
    }

    private static KillSwitch row(ResultSet rs, int from) throws SQLException {
        return new KillSwitch(KillSwitch.Scope.of(rs.getString(from)), rs.getString(from + 1), rs.getString(from + 2),
                rs.getInt(from + 3) == 1, rs.getString(from + 4), rs.getString(from + 5), Instant.ofEpochMilli(rs.getLong(from + 6)));
    }
}
