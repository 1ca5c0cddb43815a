package io.portcullis.audit;

import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import io.portcullis.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the audit log for people (C4.3, C4.4): search by principal, tool, environment, decision
 * and time; the whole chain of one user request; export as JSON Lines. A record is shown as its
 * content plus {@code chain: {id, seq, hash, prev}}, so that an exported line can be checked
 * against the chain. Searches use the stored columns; {@code verify} proves those columns match
 * the hashed content.
 */
public final class AuditQuery {
    private static final Pattern AGO = Pattern.compile("(\\d+)(s|m|h|d)");
    private static final String COLUMNS = "chain, seq, hash, body";

    private final Store store;

    public AuditQuery(Store store) {
        this.store = store;
    }

    /**
     * A search. Null fields match everything.
     *
     * @param principal the principal's subject
     * @param tool      the tool name as the client called it; a trailing {@code *} matches a prefix
     * @param decision  allowed, refused, failed or error
     * @param kind      call, intent or prune
     * @param limit     at most this many records (newest first in {@link #search})
     * @param callId    one call's records (its intent and its outcome)
     */
    public record Filter(String principal, String tool, String env, String decision, Instant since, Instant until,
                         String kind, int limit, String callId) {
        public Filter(String principal, String tool, String env, String decision, Instant since, Instant until, String kind, int limit) {
            this(principal, tool, env, decision, since, until, kind, limit, null);
        }

        public static Filter all() {
            return new Filter(null, null, null, null, null, null, null, Integer.MAX_VALUE);
        }
    }

    /** Records matching the filter, newest first. */
    public List<ObjectNode> search(Filter f) {
        List<ObjectNode> out = new ArrayList<>();
        select(f, "ORDER BY ts DESC, chain, seq DESC", out::add);
        return out;
    }

    /**
     * Every record made for one user request, across tools, upstreams and nodes, in time order:
     * the full chain (C4.3). {@code requestId} is the client's user-request id or the W3C trace id.
     */
    public List<ObjectNode> trace(String requestId) {
        List<ObjectNode> out = new ArrayList<>();
        query("SELECT " + COLUMNS + " FROM audit_records WHERE trace_id = ? OR request_id = ? ORDER BY ts, chain, seq",
                List.of(requestId.toLowerCase(Locale.ROOT), requestId), // trace ids are lowercase hex; user-request ids as sent
                out::add);
        return out;
    }

    /** Calls per minute and outcome: {@code minute} (epoch minute), {@code decision}, {@code count}. */
    public record Activity(long minute, String decision, long count) {}

    /**
     * #18 item 4 (the console's overview): how many call records each minute since {@code since}
     * holds, per outcome (allowed, refused, failed, error), counted by the store on the indexed time column.
     */
    public List<Activity> activity(Instant since) {
        List<Activity> out = new ArrayList<>();
        try {
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT ts / 60000000 AS m, decision, COUNT(*) FROM audit_records "
                        + "WHERE kind = 'call' AND ts >= ? GROUP BY ts / 60000000, decision ORDER BY m")) {
                    ps.setLong(1, Columns.micros(since));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Activity(rs.getLong(1), rs.getString(2), rs.getLong(3)));
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
        }
        return out;
    }

    /** Streams the matching records in chain order as JSON Lines (one record per call of {@code line}). */
    public long export(Filter f, Consumer<String> line) {
        long[] n = {0};
        select(f, "ORDER BY chain, seq", r -> {
            // bytes, not a String: the writer escapes a lone surrogate there instead of passing it on raw
            line.accept(new String(Json.bytes(r), java.nio.charset.StandardCharsets.UTF_8));
            n[0]++;
        });
        return n[0];
    }

    private void select(Filter f, String order, Consumer<ObjectNode> sink) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_records WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.principal() != null) {
            sql.append(" AND subject = ?");
            args.add(f.principal());
        }
        if (f.tool() != null && f.tool().endsWith("*")) {
            sql.append(" AND tool LIKE ? ESCAPE '\\'");
            args.add(f.tool().substring(0, f.tool().length() - 1).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        } else if (f.tool() != null) {
            sql.append(" AND tool = ?");
            args.add(f.tool());
        }
        if (f.env() != null) {
            sql.append(" AND env = ?");
            args.add(f.env());
        }
        if (f.decision() != null) {
            sql.append(" AND decision = ?");
            args.add(f.decision());
        }
        if (f.callId() != null) {
            sql.append(" AND call_id = ?");
            args.add(f.callId());
        }
        if (f.kind() != null) {
            sql.append(" AND kind = ?");
            args.add(f.kind());
        }
        if (f.since() != null) {
            sql.append(" AND ts >= ?");
            args.add(Columns.micros(f.since()));
        }
        if (f.until() != null) {
            sql.append(" AND ts < ?");
            args.add(Columns.micros(f.until()));
        }
        sql.append(' ').append(order);
        if (f.limit() < Integer.MAX_VALUE) {
            sql.append(" LIMIT ").append(Math.max(0, f.limit()));
        }
        query(sql.toString(), args, sink);
    }

    private void query(String sql, List<?> args, Consumer<ObjectNode> sink) {
        try {
            // in a transaction: PostgreSQL streams with a cursor (fetch size) only outside auto-commit
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setFetchSize(1000);
                    for (int i = 0; i < args.size(); i++) {
                        ps.setObject(i + 1, args.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sink.accept(view(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
        }
    }

    /**
     * A record as shown. A stored body that cannot be read back (not JSON, e.g. the bare
     * {@code Infinity} of #11 item 3, or a record without content) does not end the search or
     * export: it is shown as {@code kind: "unreadable"} with the reason and the stored text, so
     * every such record is reported and the rest still arrive.
     */
    static ObjectNode view(String chain, long seq, String hash, String body) {
        JsonNode b;
        try {
            b = Json.parse(body);
        } catch (JacksonException e) {
            return unreadable(chain, seq, hash, body, "the stored record is not valid JSON");
        }
        if (!(b.path("record") instanceof ObjectNode v)) {
            return unreadable(chain, seq, hash, body, "the stored body has no record");
        }
        v.putObject("chain").put("id", chain).put("seq", seq).put("hash", hash).put("prev", b.path("prev").asString(null));
        return v;
    }

    private static ObjectNode unreadable(String chain, long seq, String hash, String body, String why) {
        ObjectNode v = Json.object().put("kind", "unreadable")
                .put("problem", why + " (run portcullis audit verify)")
                .put("stored_text", io.portcullis.protocol.JsonText.wellFormed(body == null ? "" : body));
        v.putObject("chain").put("id", chain).put("seq", seq).put("hash", hash);
        return v;
    }

    /**
     * A point in time from a command line or query string: an ISO-8601 instant
     * ({@code 2025-01-31T10:00:00Z}) or an age ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d} ago).
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static Instant time(String text, Instant now) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = AGO.matcher(text.strip());
        if (m.matches()) {
            long v = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(v);
                case "m" -> Duration.ofMinutes(v);
                case "h" -> Duration.ofHours(v);
                default -> Duration.ofDays(v);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither an ISO-8601 time (2025-01-31T10:00:00Z) nor an age (15m, 2h, 7d)");
        }
    }
}
