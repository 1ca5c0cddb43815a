package io.portcullis.pin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.ConfigReader;
import io.portcullis.settings.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** #15: the {@code pins:} section, its defaults and its errors with file:line. */
class PinsConfigReaderTest {
    private static final String BASE = "upstreams:\n  calc: {command: [x]}\n";

    @Test
    void defaults() throws Exception {
        PinsConfig c = ConfigReader.parse(BASE, "gw.yaml", Path.of("/tmp"), null).pins();
        assertThat(c).isEqualTo(PinsConfig.DEFAULTS);
        assertThat(c.enabled()).isTrue();
        assertThat(c.block()).isEqualTo(Finding.Severity.HIGH);
    }

    @Test
    void item2_aCatalogHashThatIsNotAHashIsAConfigErrorWithItsLine() {
        String yaml = BASE + "pins:\n  approved:\n    calc__add: sha256:abc\n    calc__sub: 12\n";
        assertThatThrownBy(() -> ConfigReader.parse(yaml, "gw.yaml", Path.of("/tmp"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gw.yaml:5").hasMessageContaining("calc__add")
                .hasMessageContaining("gw.yaml:6").hasMessageContaining("sha256: and 64");
    }

    @Test
    void badValuesAreNamedWithTheirLines() {
        String yaml = BASE + "pins:\n  quarantined: show\n  block: severe\n  reviewers: []\n  enabeld: true\n";
        assertThatThrownBy(() -> ConfigReader.parse(yaml, "gw.yaml", Path.of("/tmp"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gw.yaml:4").hasMessageContaining("hide or pinned")
                .hasMessageContaining("gw.yaml:5").hasMessageContaining("low, medium, high or none")
                .hasMessageContaining("gw.yaml:6").hasMessageContaining("at least one role")
                .hasMessageContaining("gw.yaml:7").hasMessageContaining("enabeld");
    }

    @Test
    void item2_reviewNewHoldsEveryNewDefinitionAndIsOffByDefault() throws Exception {
        assertThat(PinsConfig.DEFAULTS.reviewNew()).isFalse();
        assertThat(ConfigReader.parse(BASE + "pins:\n  review_new: true\n", "gw.yaml", Path.of("/tmp"), null).pins().reviewNew())
                .isTrue();
        assertThatThrownBy(() -> ConfigReader.parse(BASE + "pins:\n  review_new: maybe\n", "gw.yaml", Path.of("/tmp"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gw.yaml:4").hasMessageContaining("review_new");
    }

    @Test
    void allKeys() throws Exception {
        String hash = "sha256:" + "0".repeat(64);
        PinsConfig c = ConfigReader.parse(BASE + "pins:\n  enabled: true\n  quarantined: pinned\n  block: medium\n"
                + "  reviewers: [security]\n  approved: {calc__add: " + hash + "}\n", "gw.yaml", Path.of("/tmp"), null).pins();
        assertThat(c).isEqualTo(new PinsConfig(true, true, Finding.Severity.MEDIUM, java.util.List.of("security"),
                java.util.Map.of("calc__add", hash)));
    }

    @Test
    void item2_aCatalogEntrysDefinitionHashIsPreApprovedAndANonHashIsAnErrorWithItsLine() throws Exception {
        String hash = "0".repeat(64);
        PinsConfig c = ConfigReader.parse(BASE + "catalog:\n  tools:\n    calc__add: {risk: read_only, definition_sha256: " + hash + "}\n",
                "gw.yaml", Path.of("/tmp"), null).pins();
        assertThat(c.approved()).containsEntry("calc__add", "sha256:" + hash);
        String bad = BASE + "catalog:\n  tools:\n    calc__add:\n      risk: read_only\n      definition_sha256: not-a-hash\n";
        assertThatThrownBy(() -> ConfigReader.parse(bad, "gw.yaml", Path.of("/tmp"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gw.yaml:7").hasMessageContaining("definition_sha256").hasMessageContaining("not-a-hash");
        String both = BASE + "catalog:\n  tools:\n    calc__add: {definition_sha256: " + hash + "}\npins:\n  approved: {calc__add: sha256:"
                + "1".repeat(64) + "}\n";
        assertThatThrownBy(() -> ConfigReader.parse(both, "gw.yaml", Path.of("/tmp"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keep one");
    }
}
