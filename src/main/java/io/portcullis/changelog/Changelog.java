package io.portcullis.changelog;

import io.portcullis.audit.AuditQuery;
import io.portcullis.killswitch.KillStore;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 6 (C7.3): one ordered changelog read from the tables the gateway already writes (read-only,
 * no writer of its own): applied configs ({@code config_changes}: tool, upstream and policy-rule additions,
 * removals and changes), kill switch flips ({@code kill_switch_history}, each with its {@code kill_switch}
 * audit record), pins and quarantined definitions ({@code pins}, with the member diff of the pinned and the
 * served definition) and reviewers' decisions (audit records of kind {@code pin_review}). An entry that is
 * an audit record carries its chain reference ({@code chain/seq} and hash), which {@code portcullis audit
 * verify} proves untampered. A source whose table does not exist yet (nothing of that kind ever happened)
 * is empty; a source that cannot be read throws, so that no partial changelog is shown as complete.
 */
public final class Changelog {
    /** One change. {@code tool}, {@code who}, {@code diff} and {@code audit} are null where the source has none. */
    public record Entry(Instant at, String kind, String subject, String tool, String who, String summary, List<String> diff,
                        String audit) {
        public ObjectNode toJson() {
            ObjectNode o = Json.object().put("at", at.toString()).put("kind", kind).put("subject", subject).put("tool", tool)
                    .put("who", who).put("summary", summary);
            if (diff != null) {
                diff.forEach(o.putArray("diff")::add);
            }
            return o.put("audit", audit);
        }
    }

    /** The sources in the order {@link #read} reads them, as the docs and the readiness line name them. */
    public static final List<String> SOURCES = List.of("config_changes (applied configs)",
            "kill_switch_history (kill switch flips, with their kill_switch audit records)",
            "pins (pinned and quarantined definitions, with diffs)", "audit records of kind pin_review (reviewers' decisions)",
            "audit records of kind config_change (config changes applied, held, approved, rejected, with diffs)");

    private final Store store;

    public Changelog(Store store) {
        this.store = store;
    }

    /**
     * Every entry, oldest first.
     *
     * @param since only entries at or after this time (null: all)
     * @param tool  only entries about this tool (its catalog name, or its name at the upstream); null: all
     */
    public List<Entry> read(Instant since, String tool) throws SQLException {
        Set<String> tables = components();
        List<Entry> out = new ArrayList<>();
        Map<String, String> refs = tables.contains("audit") ? changeRefs(new AuditQuery(store)) : Map.of();
        if (tables.contains("config_changes")) {
            configs(out, refs);
        }
        Map<Long, String> killRefs = new HashMap<>();
        if (tables.contains("audit")) {
            audit(out, killRefs);
            configChanges(new AuditQuery(store), out);
        }
        if (tables.contains("kill_switches")) {
            for (KillStore.Flip f : KillStore.open(store).history(Integer.MAX_VALUE)) {
                out.add(new Entry(f.sw().at(), "kill_switch", f.sw().describe(), f.tool(), f.sw().by(),
                        f.action() + " " + f.sw().describe() + ": " + f.sw().reason(), null, killRefs.get(f.seq())));
            }
        }
        if (tables.contains("pins")) {
            pins(out, refs);
        }
        return out.stream()
                .filter(e -> since == null || !e.at().isBefore(since))
                .filter(e -> tool == null || about(e, tool))
                .sorted(Comparator.comparing(Entry::at).thenComparing(Entry::kind).thenComparing(Entry::subject))
                .toList();
    }

    private static boolean about(Entry e, String tool) {
        if (e.tool() != null && (e.tool().equals(tool) || tool.endsWith("__" + e.tool()))) {
            return true;
        }
        if (e.kind().equals("config_change") && e.diff() != null
                && e.diff().stream().anyMatch(l -> l.matches("(?s).*\\b" + java.util.regex.Pattern.quote(tool) + "\\b.*"))) {
            return true;
        }
        return e.kind().equals("config") && e.summary().matches("(?s).*\\b" + java.util.regex.Pattern.quote(tool) + "\\b.*");
    }

    private Set<String> components() throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = store.connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT component FROM schema_migrations");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            } catch (SQLException e) {
                if (c.getMetaData().getTables(null, c.getSchema(), "schema_migrations", null).next()) {
                    throw e;
                }
                // a store nothing was ever written to: an empty changelog
            }
        }
        return out;
    }

    /**
     * #15 item 6: the chain reference of each {@code config}, {@code pin} and {@code quarantine} audit record
     * (ChangeRecords), by {@code kind id hash}; the oldest where one change is in several environments' chains.
     */
    private static Map<String, String> changeRefs(AuditQuery q) {
        Map<String, String> refs = new HashMap<>();
        for (String kind : List.of("config", "pin", "quarantine")) {
            for (ObjectNode r : q.search(new AuditQuery.Filter(null, null, null, null, null, null, kind, Integer.MAX_VALUE))) {
                JsonNode d = r.path(kind);
                String key = kind.equals("config") ? "config " + d.path("hash").asString()
                        : kind + " " + d.path("id").asString() + " " + d.path("hash").asString();
                refs.merge(key, ref(r), (a, b) -> b); // newest first: keep the oldest
            }
        }
        // a pin a reviewer accepted is proved by the reviewer's pin_review record
        for (ObjectNode r : q.search(new AuditQuery.Filter(null, null, null, null, null, null, "pin_review", Integer.MAX_VALUE))) {
            if (r.path("decision").path("outcome").asString().equals("accepted")) {
                refs.merge("pin " + r.path("pin").path("id").asString() + " " + r.path("pin").path("served").asString(), ref(r), (a, b) -> b);
            }
        }
        return refs;
    }

    private void configs(List<Entry> out, Map<String, String> refs) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT applied_at, config_hash, source, summary FROM config_changes");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Entry(Instant.parse(rs.getString(1)), "config", rs.getString(3) == null ? "config" : rs.getString(3),
                        null, null, rs.getString(4), null,
                        refs.getOrDefault("config " + rs.getString(2), "config sha256 " + rs.getString(2))));
            }
        }
    }

    private void audit(List<Entry> out, Map<Long, String> killRefs) {
        AuditQuery q = new AuditQuery(store);
        for (ObjectNode r : q.search(new AuditQuery.Filter(null, null, null, null, null, null, "kill_switch", Integer.MAX_VALUE))) {
            killRefs.merge(r.path("kill_switch").path("seq").asLong(), ref(r), (a, b) -> b); // newest first: keep the oldest
        }
        Set<String> seen = new HashSet<>(); // one decision is one record in each environment's chain
        List<ObjectNode> reviews = new ArrayList<>(q.search(new AuditQuery.Filter(null, null, null, null, null, null,
                "pin_review", Integer.MAX_VALUE)));
        java.util.Collections.reverse(reviews);
        for (ObjectNode r : reviews) {
            JsonNode pin = r.path("pin");
            JsonNode d = r.path("decision");
            String outcome = d.path("outcome").asString();
            if (!seen.add(pin.path("id").asString() + " " + pin.path("served").asString() + " " + outcome)) {
                continue;
            }
            String why = d.path("override").isString() ? " with override: " + d.path("override").asString()
                    : d.path("reason").isString() ? ": " + d.path("reason").asString() : "";
            out.add(new Entry(Instant.parse(r.path("time").asString()), "pin_review", pin.path("id").asString(),
                    r.path("tool").path("name").isString() ? r.path("tool").path("name").asString() : null,
                    r.path("principal").path("subject").asString(), outcome + " " + pin.path("served").asString()
                    + (pin.path("pinned").isString() ? " (was " + pin.path("pinned").asString() + ")" : " (new)") + why,
                    null, ref(r)));
        }
    }

    /** #15 items 4, 6: each config change applied, held, approved or rejected, with its diff; one entry per decision. */
    private static void configChanges(AuditQuery q, List<Entry> out) {
        Set<String> seen = new HashSet<>();
        List<ObjectNode> recs = new ArrayList<>(q.search(new AuditQuery.Filter(null, null, null, null, null, null,
                "config_change", Integer.MAX_VALUE)));
        java.util.Collections.reverse(recs);
        for (ObjectNode r : recs) {
            JsonNode c = r.path("config_change");
            String outcome = r.path("decision").path("outcome").asString();
            String who = r.path("principal").path("subject").asString();
            if (!seen.add(c.path("id").asString() + " " + outcome + " " + who)) {
                continue; // the same decision in another environment's chain
            }
            List<String> diff = new ArrayList<>();
            c.path("diff").forEach(d -> diff.add(d.asString()));
            String summary = "config change " + c.path("id").asString() + " " + outcome
                    + (c.path("environments").isEmpty() ? "" : " (widens " + c.path("environments") + ")")
                    + "; author " + c.path("author").asString(c.path("file_owner").asString("?"))
                    + (c.path("approvers").isEmpty() ? "" : "; approved by " + c.path("approvers"))
                    + (r.path("decision").path("reason").isString() ? ": " + r.path("decision").path("reason").asString() : "");
            out.add(new Entry(Instant.parse(r.path("time").asString()), "config_change", c.path("source").asString("config"), null,
                    who, summary, diff, ref(r)));
        }
    }

    private static String ref(ObjectNode r) {
        JsonNode c = r.path("chain");
        return "audit " + c.path("id").asString() + "/" + c.path("seq").asLong() + " " + c.path("hash").asString();
    }

    private void pins(List<Entry> out, Map<String, String> refs) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT upstream, kind, name, hash, definition, pinned_at, pinned_by, "
                     + "pending_hash, pending_definition, pending_findings, pending_state, pending_since FROM pins");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3);
                String tool = "tool".equals(rs.getString(2)) ? rs.getString(3) : null;
                if (rs.getString(6) != null) {
                    out.add(new Entry(Instant.parse(rs.getString(6)), "pin", id, tool, rs.getString(7),
                            "pinned " + rs.getString(4), null, refs.get("pin " + id + " " + rs.getString(4))));
                }
                if (rs.getString(8) != null && rs.getString(12) != null) {
                    int findings = rs.getString(10) == null ? 0 : Json.parse(rs.getString(10)).size();
                    out.add(new Entry(Instant.parse(rs.getString(12)), "quarantine", id, tool, null,
                            rs.getString(11) + ": served " + rs.getString(8) + (rs.getString(4) == null ? " (new, never accepted)"
                                    : " differs from pinned " + rs.getString(4)) + "; " + findings + " findings",
                            diff(rs.getString(5), rs.getString(9)), refs.get("quarantine " + id + " " + rs.getString(8))));
                }
            }
        }
    }

    /** The members of two canonical definitions that differ: {@code - member: old} and {@code + member: new}. */
    static List<String> diff(String pinned, String served) {
        JsonNode a = pinned == null ? Json.object() : Json.parse(pinned);
        JsonNode b = served == null ? Json.object() : Json.parse(served);
        Set<String> members = new TreeSet<>(new LinkedHashSet<>(a.propertyNames()));
        members.addAll(b.propertyNames());
        List<String> out = new ArrayList<>();
        for (String m : members) {
            if (!a.path(m).equals(b.path(m))) {
                out.add("- " + m + ": " + (a.has(m) ? Json.write(a.get(m)) : "(none)"));
                out.add("+ " + m + ": " + (b.has(m) ? Json.write(b.get(m)) : "(none)"));
            }
        }
        return out;
    }
}
