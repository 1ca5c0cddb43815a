package io.portcullis.approval;

import io.portcullis.approval.ApprovalRequest.Status;
import io.portcullis.approval.ApprovalRequest.UserRequest;
import io.portcullis.approval.ApprovalRequest.Vote;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests and decisions in the gateway's store (component {@code approvals}), so that they
 * survive a restart and are shared by every node on PostgreSQL. Every state change is one
 * conditional UPDATE (or an INSERT guarded by one), so two nodes, two approvers or two retries
 * racing each other cannot both win: the approval is consumed exactly once. Times are epoch ms.
 */
final class ApprovalStore {
    private static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE approval_requests (
              id VARCHAR(64) PRIMARY KEY, status VARCHAR(16) NOT NULL,
              subject VARCHAR(512) NOT NULL, issuer VARCHAR(512) NOT NULL, kind VARCHAR(16) NOT NULL,
              principal TEXT NOT NULL, session_id VARCHAR(256), user_request TEXT, traceparent VARCHAR(256),
              tool VARCHAR(512) NOT NULL, environment VARCHAR(128) NOT NULL,
              arguments TEXT NOT NULL, args_hash VARCHAR(64) NOT NULL,
              rule_ids TEXT NOT NULL, approver_roles TEXT NOT NULL, quorum INTEGER NOT NULL, ttl_ms BIGINT NOT NULL,
              reason TEXT, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, decided_at BIGINT,
              used_at BIGINT, used_by_call VARCHAR(64))""",
            "CREATE INDEX approval_requests_match ON approval_requests (subject, tool, environment, args_hash)",
            "CREATE INDEX approval_requests_status ON approval_requests (status, expires_at)",
            """
            CREATE TABLE approval_votes (
              request_id VARCHAR(64) NOT NULL, approver VARCHAR(512) NOT NULL, approver_issuer VARCHAR(512) NOT NULL,
              principal TEXT NOT NULL, verdict VARCHAR(16) NOT NULL, comment TEXT, decided_at BIGINT NOT NULL,
              PRIMARY KEY (request_id, approver))""");

    private final Store store;

    ApprovalStore(Store store) {
        this.store = store;
        store.migrate("approvals", MIGRATIONS);
    }

    void insert(ApprovalRequest r) throws SQLException {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO approval_requests (id, status, subject, issuer, kind, principal, session_id, user_request,
                  traceparent, tool, environment, arguments, args_hash, rule_ids, approver_roles, quorum, ttl_ms, reason,
                  created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            Principal p = r.requester();
            int i = 0;
            ps.setString(++i, r.id());
            ps.setString(++i, r.status().id());
            ps.setString(++i, p.subject());
            ps.setString(++i, p.issuer() == null ? "" : p.issuer());
            ps.setString(++i, p.kind().name());
            ps.setString(++i, Json.write(ApprovalRequest.principal(p)));
            ps.setString(++i, r.sessionId());
            ps.setString(++i, r.userRequest() == null ? null
                    : Json.write(Json.object().put("id", r.userRequest().id()).put("text", r.userRequest().text())));
            ps.setString(++i, r.traceparent());
            ps.setString(++i, r.tool());
            ps.setString(++i, r.environment());
            ps.setString(++i, Json.write(r.arguments()));
            ps.setString(++i, r.argumentsHash());
            ps.setString(++i, strings(r.ruleIds()));
            ps.setString(++i, strings(r.approverRoles()));
            ps.setInt(++i, r.quorum());
            ps.setLong(++i, r.ttl().toMillis());
            ps.setString(++i, r.reason());
            ps.setLong(++i, r.created().toEpochMilli());
            ps.setLong(++i, r.expires().toEpochMilli());
            ps.executeUpdate();
        }
    }

    /**
     * Marks every pending or approved-but-unused request whose time is up as expired (expired =
     * denied), and returns the ids this call changed: with several nodes on one store, each
     * expiry is reported by exactly one of them.
     */
    List<String> expire(Instant now) throws SQLException {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE approval_requests SET status = 'expired' WHERE status IN ('pending', 'approved') AND expires_at <= ? RETURNING id")) {
            ps.setLong(1, now.toEpochMilli());
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    Optional<ApprovalRequest> find(String id) throws SQLException {
        List<ApprovalRequest> l = query("WHERE id = ?", List.of((Object) id));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
    }

    /** Newest first; {@code status} null for every status. */
    List<ApprovalRequest> list(Status status, int limit) throws SQLException {
        return status == null ? query("ORDER BY created_at DESC LIMIT " + limit, List.of())
                : query("WHERE status = ? ORDER BY created_at DESC LIMIT " + limit, List.of((Object) status.id()));
    }

    /** The live (pending or approved) requests of exactly this call: same caller, tool, environment and argument hash. */
    List<ApprovalRequest> live(Principal p, String tool, String environment, String hash, Instant now) throws SQLException {
        return query("""
                WHERE subject = ? AND issuer = ? AND kind = ? AND tool = ? AND environment = ? AND args_hash = ?
                  AND status IN ('pending', 'approved') AND expires_at > ? ORDER BY created_at""",
                List.<Object>of(p.subject(), p.issuer() == null ? "" : p.issuer(), p.kind().name(), tool, environment, hash,
                        (Object) now.toEpochMilli()));
    }

    /**
     * Records one approver's vote and settles the request: a deny denies it, enough distinct
     * approvals approve it (and restart its clock: the approval lives {@code ttl} from now).
     *
     * @return false when the request is no longer pending (decided, expired, used)
     * @throws SQLException with a constraint violation when this approver already voted
     */
    boolean vote(String id, Principal approver, boolean approve, String comment, Instant now) throws SQLException {
        boolean voted = store.inTransaction(c -> {
            int inserted;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO approval_votes (request_id, approver, approver_issuer, principal, verdict, comment, decided_at)
                    SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS
                      (SELECT 1 FROM approval_requests WHERE id = ? AND status = 'pending' AND expires_at > ?)""")) {
                ps.setString(1, id);
                ps.setString(2, approver.subject());
                ps.setString(3, approver.issuer() == null ? "" : approver.issuer());
                ps.setString(4, Json.write(ApprovalRequest.principal(approver)));
                ps.setString(5, approve ? "approve" : "deny");
                if (comment == null) {
                    ps.setNull(6, Types.VARCHAR);
                } else {
                    ps.setString(6, comment);
                }
                ps.setLong(7, now.toEpochMilli());
                ps.setString(8, id);
                ps.setLong(9, now.toEpochMilli());
                inserted = ps.executeUpdate();
            }
            if (inserted == 0) {
                return false; // nothing was written: the commit after it has nothing to commit
            }
            if (!approve) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE approval_requests SET status = 'denied', decided_at = ? WHERE id = ? AND status = 'pending'")) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
            }
            return true;
        });
        if (!voted) {
            return false;
        }
        if (approve) {
            settle(id, now); // after the commit, so that concurrent approvers on PostgreSQL see each other's votes
        }
        return true;
    }

    /** Approves a pending request that has its quorum of distinct approvers. */
    void settle(String id, Instant now) throws SQLException {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE approval_requests SET status = 'approved', decided_at = ?, expires_at = ? + ttl_ms
                WHERE id = ? AND status = 'pending' AND expires_at > ?
                  AND (SELECT COUNT(*) FROM approval_votes v WHERE v.request_id = approval_requests.id AND v.verdict = 'approve') >= quorum""")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, id);
            ps.setLong(4, now.toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** Uses an approval: true for exactly one caller, however many retries race for it. */
    boolean consume(String id, String callId, Instant now) throws SQLException {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE approval_requests SET status = 'used', used_at = ?, used_by_call = ?
                WHERE id = ? AND status = 'approved' AND expires_at > ?""")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setString(2, callId);
            ps.setString(3, id);
            ps.setLong(4, now.toEpochMilli());
            return ps.executeUpdate() == 1;
        }
    }

    private List<ApprovalRequest> query(String where, List<Object> args) throws SQLException {
        List<ApprovalRequest> out = new ArrayList<>();
        try (Connection c = store.connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM approval_requests " + where)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs, List.of()));
                    }
                }
            }
            List<ApprovalRequest> withVotes = new ArrayList<>(out.size());
            for (ApprovalRequest r : out) {
                withVotes.add(withVotes(c, r));
            }
            return withVotes;
        }
    }

    private static ApprovalRequest withVotes(Connection c, ApprovalRequest r) throws SQLException {
        List<Vote> votes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT principal, verdict, comment, decided_at FROM approval_votes WHERE request_id = ? ORDER BY decided_at, approver")) {
            ps.setString(1, r.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    votes.add(new Vote(ApprovalRequest.principal(Json.parse(rs.getString(1))), "approve".equals(rs.getString(2)),
                            rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
        }
        return new ApprovalRequest(r.id(), r.status(), r.requester(), r.sessionId(), r.userRequest(), r.traceparent(),
                r.tool(), r.environment(), r.arguments(), r.argumentsHash(), r.ruleIds(), r.approverRoles(), r.quorum(),
                r.ttl(), r.reason(), r.created(), r.expires(), votes, r.usedAt(), r.usedByCall());
    }

    private static ApprovalRequest row(ResultSet rs, List<Vote> votes) throws SQLException {
        String ur = rs.getString("user_request");
        UserRequest userRequest = null;
        if (ur != null) {
            JsonNode u = Json.parse(ur);
            userRequest = new UserRequest(u.path("id").isNull() ? null : u.path("id").asString(null),
                    u.path("text").isNull() ? null : u.path("text").asString(null));
        }
        long used = rs.getLong("used_at");
        Instant usedAt = rs.wasNull() ? null : Instant.ofEpochMilli(used);
        return new ApprovalRequest(rs.getString("id"), Status.of(rs.getString("status")),
                ApprovalRequest.principal(Json.parse(rs.getString("principal"))), rs.getString("session_id"), userRequest,
                rs.getString("traceparent"), rs.getString("tool"), rs.getString("environment"),
                (ObjectNode) Json.parse(rs.getString("arguments")), rs.getString("args_hash"),
                parseStrings(rs.getString("rule_ids")), parseStrings(rs.getString("approver_roles")), rs.getInt("quorum"),
                Duration.ofMillis(rs.getLong("ttl_ms")), rs.getString("reason"), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("expires_at")), votes, usedAt, rs.getString("used_by_call"));
    }

    private static String strings(List<String> l) {
        var a = Json.array();
        l.forEach(a::add);
        return Json.write(a);
    }

    private static List<String> parseStrings(String s) {
        List<String> out = new ArrayList<>();
        Json.parse(s).forEach(n -> out.add(n.asString()));
        return out;
    }
}
