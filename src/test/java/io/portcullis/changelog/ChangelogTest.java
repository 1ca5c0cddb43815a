package io.portcullis.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.killswitch.KillStore;
import io.portcullis.killswitch.KillSwitch;
import io.portcullis.pin.Pins;
import io.portcullis.readiness.ConfigChanges;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #15 item 6 (C7.3): the changelog over a real SQLite store: config changes, kill switch flips, pins and
 * quarantines (with the member diff) in one time order, and the {@code --since} and {@code --tool} filters.
 * Reviews (audit records of kind pin_review) are covered on a running gateway by ChangelogIT.
 */
class ChangelogTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;
    Store store;

    @BeforeEach
    void open() {
        store = Store.open(new StoreConfig(null, dir, 2));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void sql(String sql, Object... args) throws Exception {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    @Test
    void item6_anEmptyStoreHasAnEmptyChangelog() throws Exception {
        assertThat(new Changelog(store).read(null, null)).isEmpty();
    }

    @Test
    void item6_everyKindInTimeOrderWithFilters() throws Exception {
        new ConfigChanges(store); // creates config_changes
        sql("INSERT INTO config_changes (applied_at, config_hash, source, summary) VALUES (?, ?, ?, ?)",
                "2026-12-01T10:00:00.000000000Z", "aa11", "/etc/portcullis.yaml", "started with 2 catalog entries, 1 upstreams, 0 policy rules");
        sql("INSERT INTO config_changes (applied_at, config_hash, source, summary) VALUES (?, ?, ?, ?)",
                "2026-12-01T10:05:00.000000000Z", "bb22", "/etc/portcullis.yaml", "catalog entries added: [rug__pull]");
        KillStore kills = KillStore.open(store);
        kills.kill(new KillSwitch(KillSwitch.Scope.TOOL, "rug__add", "", false, "INC-1", "alice", T0.plusSeconds(120)));
        kills.unkill(KillSwitch.Scope.TOOL, "rug__add", null, "INC-1 fixed", "bob"); // now: the newest entry
        new Pins(store, Clock.systemUTC()); // creates pins
        sql("INSERT INTO pins (upstream, kind, name, hash, definition, pinned_at, pinned_by, pending_hash, pending_definition, "
                + "pending_findings, pending_state, pending_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "rug", "tool", "add", "sha256:old", "{\"description\":\"Adds two numbers.\",\"name\":\"add\"}",
                T0.plusSeconds(60).toString(), "first sight", "sha256:new", "{\"description\":\"Adds. <IMPORTANT>\",\"name\":\"add\"}",
                "[{\"severity\":\"high\",\"code\":\"instruction-tag\",\"detail\":\"x\"}]", "waiting", T0.plusSeconds(240).toString());
        sql("INSERT INTO pins (upstream, kind, name, hash, definition, pinned_at, pinned_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                "rug", "tool", "pull", "sha256:p", "{\"name\":\"pull\"}", T0.plusSeconds(360).toString(), "first sight");

        List<Changelog.Entry> all = new Changelog(store).read(null, null);
        assertThat(all).extracting(Changelog.Entry::kind)
                .containsExactly("config", "pin", "kill_switch", "quarantine", "config", "pin", "kill_switch");
        assertThat(all).extracting(Changelog.Entry::at).isSorted();
        Changelog.Entry kill = all.get(2);
        assertThat(kill.who()).isEqualTo("alice");
        assertThat(kill.tool()).isEqualTo("rug__add");
        assertThat(kill.summary()).startsWith("kill tool rug__add").endsWith("INC-1");
        Changelog.Entry q = all.get(3);
        assertThat(q.subject()).isEqualTo("rug/tool/add");
        assertThat(q.summary()).contains("waiting: served sha256:new differs from pinned sha256:old; 1 findings");
        assertThat(q.diff()).containsExactly("- description: \"Adds two numbers.\"", "+ description: \"Adds. <IMPORTANT>\"");
        assertThat(all.getLast().summary()).startsWith("unkill tool rug__add").endsWith("INC-1 fixed");
        assertThat(all.getLast().who()).isEqualTo("bob");
        assertThat(all.getFirst().audit()).isEqualTo("config sha256 aa11");

        // --since: only what happened at or after it
        assertThat(new Changelog(store).read(T0.plusSeconds(240), null)).extracting(Changelog.Entry::kind)
                .containsExactly("quarantine", "config", "pin", "kill_switch");
        // --tool: by catalog name (kill switches, config summaries) or name at the upstream (pins)
        assertThat(new Changelog(store).read(null, "rug__add")).extracting(Changelog.Entry::kind)
                .containsExactly("pin", "kill_switch", "quarantine", "kill_switch");
        assertThat(new Changelog(store).read(null, "rug__pull")).extracting(Changelog.Entry::kind)
                .containsExactly("config", "pin");
        assertThat(new Changelog(store).read(null, "nothing__here")).isEmpty();
    }
}
