package io.portcullis.cluster;

import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * #19 item 2: the membership table ({@code cluster_nodes}) in the store every node shares. Each node
 * registers itself at start (id, version, config hash, address, started), refreshes {@code last_seen}
 * and its config hash every {@link #HEARTBEAT}, and marks itself stopped when it stops cleanly. A node
 * not seen for {@link #STALE} is listed {@code unresponsive}; rows of nodes gone for a day are pruned
 * when a node registers.
 */
public final class Nodes {
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** Three heartbeats missed. */
    public static final Duration STALE = HEARTBEAT.multipliedBy(3);
    static final Duration FORGET = Duration.ofDays(1);

    private final Store store;

    /** @throws io.portcullis.store.StoreException when the table cannot be created */
    public Nodes(Store store) {
        this.store = store;
        store.migrate("cluster_nodes", List.of("CREATE TABLE IF NOT EXISTS cluster_nodes (id VARCHAR(64) PRIMARY KEY, "
                + "version VARCHAR(64) NOT NULL, config_hash VARCHAR(64) NOT NULL, address VARCHAR(300), "
                + "started_at BIGINT NOT NULL, last_seen BIGINT NOT NULL, stopped_at BIGINT)"));
    }

    /** Registers (or re-registers, after a restart with the same id) this node as up. */
    public void register(String id, String version, String configHash, String address, Instant now) throws SQLException {
        store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM cluster_nodes WHERE id = ? OR last_seen < ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO cluster_nodes (id, version, config_hash, address, "
                         + "started_at, last_seen, stopped_at) VALUES (?, ?, ?, ?, ?, ?, NULL)")) {
                long forget = now.minus(FORGET).toEpochMilli();
                del.setString(1, id);
                del.setLong(2, forget);
                del.executeUpdate();
                ins.setString(1, id);
                ins.setString(2, version);
                ins.setString(3, configHash);
                ins.setString(4, address);
                ins.setLong(5, now.toEpochMilli());
                ins.setLong(6, now.toEpochMilli());
                return ins.executeUpdate();
            }
        });
    }

    /** A heartbeat; false when this node's row is gone (pruned or deleted), so that it registers again. */
    public boolean beat(String id, String configHash, Instant now) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE cluster_nodes SET last_seen = ?, config_hash = ?, stopped_at = NULL WHERE id = ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setString(2, configHash);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** This node stopped cleanly. */
    public void stopped(String id, Instant now) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE cluster_nodes SET stopped_at = ?, last_seen = ? WHERE id = ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    /** Every node known, oldest start first, with its state and whether its config differs from the other live nodes'. */
    public List<Node> list(Instant now) throws SQLException {
        record Row(String id, String version, String hash, String address, long started, long seen, Long stopped) {}
        List<Row> rows = new ArrayList<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id, version, config_hash, address, started_at, last_seen, stopped_at "
                     + "FROM cluster_nodes ORDER BY started_at, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long stoppedAt = rs.getLong(7);
                Long stopped = rs.wasNull() ? null : stoppedAt; // wasNull: of the column read last
                rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6), stopped));
            }
        }
        Map<String, String> states = new HashMap<>();
        Map<String, Integer> hashes = new HashMap<>();
        for (Row r : rows) {
            String state = r.stopped() != null ? "stopped"
                    : now.toEpochMilli() - r.seen() <= STALE.toMillis() ? "up" : "unresponsive";
            states.put(r.id(), state);
            if (state.equals("up")) {
                hashes.merge(r.hash(), 1, Integer::sum);
            }
        }
        int most = hashes.values().stream().max(Integer::compare).orElse(0);
        long atMost = hashes.values().stream().filter(n -> n == most).count();
        List<Node> out = new ArrayList<>();
        for (Row r : rows) {
            String state = states.get(r.id());
            boolean differs = state.equals("up") && hashes.size() > 1 && (atMost > 1 || hashes.get(r.hash()) != most);
            out.add(new Node(r.id(), r.version(), r.hash(), r.address(), Instant.ofEpochMilli(r.started()),
                    Instant.ofEpochMilli(r.seen()), r.stopped() == null ? null : Instant.ofEpochMilli(r.stopped()), state, differs));
        }
        return out;
    }
}
