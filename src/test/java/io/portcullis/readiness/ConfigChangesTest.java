package io.portcullis.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** C7.3: each applied config whose files changed becomes one changelog row with a summary of what changed. */
class ConfigChangesTest {

    @Test
    void changedConfigsAreRecordedWithWhatChanged() throws Exception {
        Path dir = Files.createTempDirectory("config-changes");
        Path file = dir.resolve("portcullis.yaml");
        String v1 = ReadinessTest.READY.replace("/tmp/portcullis-readiness-test", dir.resolve("data").toString());
        Files.writeString(file, v1);
        GatewayConfig first = ConfigReader.read(file);
        try (Store store = Store.open(new StoreConfig(null, dir.resolve("data"), 2))) {
            ConfigChanges changes = new ConfigChanges(store);
            assertThat(changes.healthy()).isTrue();
            changes.record(first);
            changes.record(ConfigReader.read(file)); // same files: no new row
            assertThat(changes.recent(10)).hasSize(1);
            assertThat(changes.recent(10).getFirst().get(3)).startsWith("started with 3 catalog entries");

            Files.writeString(file, v1.replace("    tickets__search: {purpose: Find tickets., risk: read_only}\n", "")
                    .replace("risk: irreversible", "risk: state_changing"));
            changes.record(ConfigReader.read(file));
            var rows = changes.recent(10);
            assertThat(rows).hasSize(2);
            assertThat(rows.getFirst().get(3)).contains("catalog entries removed: [tickets__search]")
                    .contains("catalog entry tickets__delete changed (risk IRREVERSIBLE -> STATE_CHANGING)");
            assertThat(rows.getFirst().get(1)).isNotEqualTo(rows.get(1).get(1)).hasSize(64);
        }
    }

    /** C7.3, #11 item 5: resource and prompt entries are scope too, and their changes are in the changelog. */
    @Test
    void item5_resourceAndPromptEntriesAreInTheSummary() throws Exception {
        String base = """
                upstreams:
                  vault: {command: v}
                catalog:
                  resources:
                    "secret://*": {upstream: vault, environments: [default]}
                  prompts:
                    vault__greet: {purpose: hello}
                """;
        GatewayConfig before = ConfigReader.parse(base, "gw.yaml", Path.of("/tmp"), null);
        GatewayConfig after = ConfigReader.parse(base.replace("environments: [default]", "risk: state_changing")
                .replace("    vault__greet: {purpose: hello}\n", "    vault__leak: {purpose: quotes}\n"), "gw.yaml", Path.of("/tmp"), null);
        assertThat(ConfigChanges.summary(before, after)).contains("resource entry secret://* changed",
                "prompt entries added: [vault__leak]", "prompt entries removed: [vault__greet]");
    }
}
