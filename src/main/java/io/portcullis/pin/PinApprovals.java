package io.portcullis.pin;

import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;

/**
 * #15 item 2 ("production can require two reviewers"): the reviewers who accepted a waiting definition so
 * far, while {@code pins.quorum} needs more of them (table {@code pin_approvals}, shared by every node of a
 * store). Approvals count for one served hash only: a definition that changed again starts from none.
 */
final class PinApprovals {
    private final Store store;

    PinApprovals(Store store) {
        this.store = store;
        store.migrate("pin_approvals", List.of("CREATE TABLE pin_approvals (id VARCHAR(1400) PRIMARY KEY, "
                + "served_hash VARCHAR(80) NOT NULL, approvers TEXT NOT NULL)"));
    }

    /** The reviewers who accepted {@code servedHash} of {@code id} so far (none for another hash). */
    List<String> of(String id, String servedHash) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT served_hash, approvers FROM pin_approvals WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                if (rs.next() && rs.getString(1).equals(servedHash)) {
                    Json.parse(rs.getString(2)).forEach(n -> out.add(n.asString()));
                }
                return out;
            }
        }
    }

    /**
     * Records {@code after} as the approvers of {@code servedHash} of {@code id}, only if they are still
     * {@code before} (two reviewers on two nodes cannot both be counted as the same one); false otherwise.
     */
    boolean add(String id, String servedHash, List<String> before, List<String> after) throws SQLException {
        return store.inTransaction(c -> {
            store.beginWrite(c);
            String now = null;
            String nowHash = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT served_hash, approvers FROM pin_approvals WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        nowHash = rs.getString(1);
                        now = rs.getString(2);
                    }
                }
            }
            String expected = servedHash.equals(nowHash) ? now : json(List.of());
            if (!expected.equals(json(before))) {
                return false;
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM pin_approvals WHERE id = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO pin_approvals (id, served_hash, approvers) VALUES (?, ?, ?)")) {
                del.setString(1, id);
                del.executeUpdate();
                ins.setString(1, id);
                ins.setString(2, servedHash);
                ins.setString(3, json(after));
                ins.executeUpdate();
            }
            return true;
        });
    }

    /** Forgets the approvals of {@code id} (it was decided). */
    void clear(String id) throws SQLException {
        store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pin_approvals WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate();
            }
        });
    }

    private static String json(List<String> values) {
        ArrayNode a = Json.array();
        values.forEach(a::add);
        return Json.write(a);
    }
}
