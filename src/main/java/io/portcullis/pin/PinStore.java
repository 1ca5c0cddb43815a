package io.portcullis.pin;

import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * #15 item 1: the table {@code pins}: per upstream, kind and name, the accepted definition's hash
 * and canonical form, and the definition waiting for review (served but not accepted).
 */
final class PinStore {
    /** One row. {@code hash} is null while a new definition has never been accepted. */
    record Row(String upstream, String kind, String name, String hash, String definition, String pendingHash,
               String pendingDefinition, String pendingFindings, String pendingState, String pendingSince) {}

    private final Store store;
    private final PinApprovals approvals;

    PinStore(Store store) {
        this.store = store;
        this.approvals = new PinApprovals(store); // #15 item 2: pins.quorum
        store.migrate("pins", List.of("CREATE TABLE pins (upstream VARCHAR(256) NOT NULL, kind VARCHAR(16) NOT NULL, "
                + "name VARCHAR(1024) NOT NULL, hash VARCHAR(80), definition TEXT, pinned_at VARCHAR(40), pinned_by VARCHAR(512), "
                + "pending_hash VARCHAR(80), pending_definition TEXT, pending_findings TEXT, pending_state VARCHAR(16), "
                + "pending_since VARCHAR(40), PRIMARY KEY (upstream, kind, name))"));
    }

    /** The accepts counted so far towards {@code pins.quorum}. */
    PinApprovals approvals() {
        return approvals;
    }

    /** Every row, by {@code upstream/kind/name}. */
    Map<String, Row> all() throws SQLException {
        Map<String, Row> out = new LinkedHashMap<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT upstream, kind, name, hash, definition, pending_hash, "
                     + "pending_definition, pending_findings, pending_state, pending_since FROM pins ORDER BY upstream, kind, name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Row r = new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
                out.put(Review.id(r.upstream(), r.kind(), r.name()), r);
            }
        }
        return out;
    }

    /** Records a first pin (accepted) or a first sight waiting for review ({@code accepted} false). */
    void insert(Definition d, boolean accepted, String by, List<Finding> findings, String now) throws SQLException {
        store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO pins (upstream, kind, name, hash, definition, pinned_at, "
                    + "pinned_by, pending_hash, pending_definition, pending_findings, pending_state, pending_since) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (upstream, kind, name) DO NOTHING")) {
                // another node of a shared store may have pinned it first: its pin stands, checked at the next listing
                ps.setString(1, d.upstream());
                ps.setString(2, d.kind());
                ps.setString(3, d.name());
                ps.setString(4, accepted ? d.hash() : null);
                ps.setString(5, accepted ? d.canonical() : null);
                ps.setString(6, accepted ? now : null);
                ps.setString(7, accepted ? by : null);
                ps.setString(8, accepted ? null : d.hash());
                ps.setString(9, accepted ? null : d.canonical());
                ps.setString(10, accepted ? null : findings(findings));
                ps.setString(11, accepted ? null : "waiting");
                ps.setString(12, accepted ? null : now);
                return ps.executeUpdate();
            }
        });
    }

    /** Records {@code d} as the definition waiting for review (a new one resets a rejection). */
    void pending(Definition d, List<Finding> findings, String now) throws SQLException {
        update("UPDATE pins SET pending_hash = ?, pending_definition = ?, pending_findings = ?, pending_state = 'waiting', "
                + "pending_since = ? WHERE upstream = ? AND kind = ? AND name = ?", d.hash(), d.canonical(), findings(findings), now,
                d.upstream(), d.kind(), d.name());
    }

    /** Forgets the waiting definition (the upstream serves the pinned one again). */
    void clearPending(String upstream, String kind, String name) throws SQLException {
        update("UPDATE pins SET pending_hash = NULL, pending_definition = NULL, pending_findings = NULL, pending_state = NULL, "
                + "pending_since = NULL WHERE upstream = ? AND kind = ? AND name = ?", upstream, kind, name);
    }

    /** Makes the waiting definition with {@code hash} the pinned one; false when that is no longer what waits. */
    boolean accept(String upstream, String kind, String name, String hash, String by, String now) throws SQLException {
        return update("UPDATE pins SET hash = pending_hash, definition = pending_definition, pinned_at = ?, pinned_by = ?, "
                + "pending_hash = NULL, pending_definition = NULL, pending_findings = NULL, pending_state = NULL, pending_since = NULL "
                + "WHERE upstream = ? AND kind = ? AND name = ? AND pending_hash = ?", now, by, upstream, kind, name, hash) == 1;
    }

    /** Marks the waiting definition with {@code hash} rejected; false when that is no longer what waits. */
    boolean reject(String upstream, String kind, String name, String hash) throws SQLException {
        return update("UPDATE pins SET pending_state = 'rejected' WHERE upstream = ? AND kind = ? AND name = ? AND pending_hash = ?",
                upstream, kind, name, hash) == 1;
    }

    /** Pins {@code d} as accepted by the catalog's pre-approved hash (#15 item 2). */
    void approve(Definition d, String by, String now) throws SQLException {
        update("UPDATE pins SET hash = ?, definition = ?, pinned_at = ?, pinned_by = ?, pending_hash = NULL, "
                + "pending_definition = NULL, pending_findings = NULL, pending_state = NULL, pending_since = NULL "
                + "WHERE upstream = ? AND kind = ? AND name = ?", d.hash(), d.canonical(), now, by, d.upstream(), d.kind(), d.name());
    }

    private int update(String sql, String... args) throws SQLException {
        return store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setString(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    static String findings(List<Finding> findings) {
        ArrayNode a = Json.array();
        findings.forEach(f -> a.addObject().put("severity", f.severity().id()).put("code", f.code()).put("detail", f.detail()));
        return Json.write(a);
    }

    static List<Finding> findings(String json) {
        List<Finding> out = new ArrayList<>();
        if (json != null) {
            for (JsonNode f : Json.parse(json)) {
                out.add(new Finding(Finding.Severity.of(f.path("severity").asString()), f.path("code").asString(),
                        f.path("detail").asString()));
            }
        }
        return out;
    }
}
