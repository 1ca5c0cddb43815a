package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #11 item 4: names that shadow each other are refused when the config is read, and catalog
 * entries are bound to (upstream, tool), never to the flattened name alone.
 */
class Hardening04NameBindingTest {

    private static GatewayConfig read(String yaml) throws ConfigException {
        return ConfigReader.parse(yaml, "gw.yaml", Path.of("/tmp"), null);
    }

    @Test
    void item4_aPrefixContainingOrEndingInTheSeparatorIsRefused() {
        assertThatThrownBy(() -> read("""
                upstreams:
                  alpha: {command: a}
                  ab: {command: b, prefix: alpha__beta}
                  cd: {command: c, prefix: gamma_}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gw.yaml:3: prefix 'alpha__beta' contains the tool separator '__'")
                .hasMessageContaining("gw.yaml:4: prefix 'gamma_' contains the tool separator '__' (or ends in part of it)");
        // with another separator, the same rule about that separator
        assertThatThrownBy(() -> read("""
                server: {tool_separator: "."}
                upstreams:
                  alpha: {command: a, prefix: a.b}
                """)).hasMessageContaining("prefix 'a.b' contains the tool separator '.'");
    }

    @Test
    void item4_anEmptyPrefixBesideAnotherUpstreamIsRefused() throws Exception {
        assertThatThrownBy(() -> read("""
                upstreams:
                  plain: {command: a, prefix: ""}
                  secrets: {command: b}
                """)).hasMessageContaining("gw.yaml:2: an empty prefix is allowed only for the only upstream");
        assertThat(read("upstreams:\n  plain: {command: a, prefix: \"\"}\n").upstreams()).hasSize(1);
    }

    @Test
    void item4_catalogEntriesAreBoundToUpstreamAndTool() throws Exception {
        GatewayConfig cfg = read("""
                upstreams:
                  alpha: {command: a}
                  beta: {command: b, prefix: B}
                catalog:
                  tools:
                    alpha__beta__danger: {risk: read_only}
                    B__echo: {risk: state_changing}
                """);
        assertThat(cfg.catalog().tools().get("alpha__beta__danger").binding()).isEqualTo(new Binding("alpha", "beta__danger"));
        assertThat(cfg.catalog().tools().get("B__echo").binding()).isEqualTo(new Binding("beta", "echo"));
        assertThat(Binding.of("x", Map.of("only", ""), "__")).contains(new Binding("only", "x"));
    }

    @Test
    void item4_anEntryNoUpstreamMakesIsRefused() {
        assertThatThrownBy(() -> read("""
                upstreams:
                  alpha: {command: a}
                catalog:
                  tools:
                    secrets__leak: {risk: read_only}
                """)).hasMessageContaining("gw.yaml:5: tool 'secrets__leak' belongs to no upstream");
    }
}
