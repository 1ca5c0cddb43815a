package io.portcullis.readiness;

import io.portcullis.catalog.ToolSpec;
import io.portcullis.config.GatewayConfig;
import io.portcullis.policy.PolicyRule;
import io.portcullis.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * C7.3: the changelog of applied configs. Each config the gateway applies whose files differ from
 * the last one recorded becomes a row of {@code config_changes}: when, the SHA-256 of its files,
 * where it came from, and a summary of tool additions, removals and scope changes (catalog
 * entries, tool switches, upstreams, policy rules). A store failure is logged and makes C7.3 fail
 * in the report; it never stops a reload.
 */
public final class ConfigChanges {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigChanges.class);

    /** Fixed width, so that the text order is the time order on both SQLite and PostgreSQL. */
    private static final java.time.format.DateTimeFormatter AT = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final Store store;
    private volatile boolean healthy;
    private GatewayConfig last;

    public ConfigChanges(Store store) {
        this.store = store;
        try {
            store.migrate("config_changes", List.of("CREATE TABLE config_changes (applied_at VARCHAR(40) NOT NULL, "
                    + "config_hash VARCHAR(64) NOT NULL, source VARCHAR(1000), summary TEXT NOT NULL)"));
            healthy = true;
        } catch (RuntimeException e) {
            LOG.warn("config changelog unavailable (C7.3 fails): {}", e.getMessage());
        }
    }

    /** #15 item 6: hears each row recorded, to make it an audit record (changelog.ChangeRecords). */
    @FunctionalInterface
    public interface Listener {
        void recorded(String hash, String source, String summary);
    }

    private volatile Listener listener = (hash, source, summary) -> { };

    public void onRecorded(Listener l) {
        this.listener = l;
    }

    /** Whether every applied config so far has been recorded. */
    public boolean healthy() {
        return healthy;
    }

    /** Records {@code next} unless its files hash the same as the last recorded config's. */
    public synchronized void record(GatewayConfig next) {
        if (!healthy) {
            return;
        }
        try (Connection c = store.connection()) {
            String hash = hash(next);
            String previous = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT config_hash FROM config_changes ORDER BY applied_at DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    previous = rs.getString(1);
                }
            }
            if (hash.equals(previous)) {
                last = next;
                return;
            }
            String summary = summary(last, next);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO config_changes (applied_at, config_hash, source, summary) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, AT.format(Instant.now()));
                ps.setString(2, hash);
                ps.setString(3, next.source() == null ? "built-in demo" : next.source().toString());
                ps.setString(4, summary);
                ps.executeUpdate();
            }
            last = next;
            listener.recorded(hash, next.source() == null ? "built-in demo" : next.source().toString(), summary);
        } catch (SQLException | RuntimeException e) {
            healthy = false;
            LOG.warn("could not record the applied config (C7.3 now fails): {}", e.toString());
        }
    }

    /** The recorded changes, newest first: {applied_at, config_hash, source, summary}. */
    public List<List<String>> recent(int limit) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT applied_at, config_hash, source, summary FROM config_changes "
                     + "ORDER BY applied_at DESC LIMIT " + Math.max(1, limit));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(List.of(rs.getString(1), rs.getString(2), Objects.toString(rs.getString(3), ""), rs.getString(4)));
            }
        }
        return out;
    }

    /** The SHA-256 of the config's files (the built-in demo: of "built-in"); #19 item 2: each node registers it. */
    public static String hash(GatewayConfig c) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (c.files().isEmpty()) {
                md.update("built-in".getBytes(StandardCharsets.UTF_8));
            }
            for (Path p : c.files()) {
                try {
                    md.update(Files.readAllBytes(p));
                } catch (IOException e) {
                    md.update(("unreadable " + p).getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String summary(GatewayConfig before, GatewayConfig after) {
        if (before == null) {
            return "started with " + after.catalog().tools().size() + " catalog entries, " + after.upstreams().size()
                    + " upstreams, " + after.policy().rules().size() + " policy rules";
        }
        List<String> out = new ArrayList<>();
        diff(out, "catalog entries", before.catalog().tools().keySet(), after.catalog().tools().keySet());
        for (String t : new TreeSet<>(after.catalog().tools().keySet())) {
            ToolSpec a = after.catalog().tools().get(t);
            ToolSpec b = before.catalog().tools().get(t);
            if (b != null && !Objects.equals(a, b)) {
                out.add("catalog entry " + t + " changed" + (Objects.equals(a.risk(), b.risk()) ? ""
                        : " (risk " + b.risk() + " -> " + a.risk() + ")"));
            }
        }
        // C7.3 for resources and prompts too (#11 item 5): what they may reveal is scope
        diff(out, "resource entries", before.catalog().resources().keySet(), after.catalog().resources().keySet());
        diff(out, "prompt entries", before.catalog().prompts().keySet(), after.catalog().prompts().keySet());
        for (String kind : List.of("resource", "prompt")) {
            var a = kind.equals("resource") ? after.catalog().resources() : after.catalog().prompts();
            var b = kind.equals("resource") ? before.catalog().resources() : before.catalog().prompts();
            for (String k : new TreeSet<>(a.keySet())) {
                if (b.containsKey(k) && !Objects.equals(a.get(k), b.get(k))) {
                    out.add(kind + " entry " + k + " changed");
                }
            }
        }
        diff(out, "upstreams", before.upstreams().keySet(), after.upstreams().keySet());
        diff(out, "policy rules", ids(before.policy().rules()), ids(after.policy().rules()));
        if (!before.tools().equals(after.tools())) {
            out.add("tool switches changed");
        }
        if (!Objects.equals(before.catalog().unlisted(), after.catalog().unlisted())) {
            out.add("catalog.unlisted " + before.catalog().unlisted() + " -> " + after.catalog().unlisted());
        }
        return out.isEmpty() ? "no change to tools, upstreams or policy" : String.join("; ", out);
    }

    private static Set<String> ids(List<PolicyRule> rules) {
        Set<String> out = new TreeSet<>();
        rules.forEach(r -> out.add(r.id()));
        return out;
    }

    private static void diff(List<String> out, String what, Set<String> before, Set<String> after) {
        Set<String> added = new TreeSet<>(after);
        added.removeAll(before);
        Set<String> removed = new TreeSet<>(before);
        removed.removeAll(after);
        if (!added.isEmpty()) {
            out.add(what + " added: " + added);
        }
        if (!removed.isEmpty()) {
            out.add(what + " removed: " + removed);
        }
    }
}
