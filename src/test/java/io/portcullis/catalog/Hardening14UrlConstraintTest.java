package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #11 item 14: a {@code url} constraint with scheme and host allowlists, which refuses URLs to
 * loopback, private, link-local and other non-public addresses unless the catalog allows them,
 * and refuses spellings that URL parsers read differently (user info, backslashes, numeric hosts
 * in short or hexadecimal form).
 */
class Hardening14UrlConstraintTest {
    private static ArgConstraint url(UrlRule rule) {
        return new ArgConstraint(List.of(), null, null, null, null, null, null, List.of(), rule);
    }

    private static JsonNode s(String value) {
        return Json.MAPPER.valueToTree(value);
    }

    @Test
    void item14_loopbackAndPrivateAddressesAreRefusedByDefault() {
        ArgConstraint c = url(new UrlRule(List.of("http", "https"), List.of(), false));
        for (String bad : List.of("http://127.0.0.1:8080/x", "http://localhost:3000/", "http://[::1]/", "http://10.1.2.3/",
                "http://192.168.0.1/", "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/",
                "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/", "http://100.64.0.1/", "http://[fe80::1]/")) {
            assertThat(c.check("data", s(bad))).as(bad).get().asString().contains("argument 'data'");
        }
        assertThat(c.check("data", s("http://127.0.0.1/"))).get().asString().contains("private or loopback");
        assertThat(c.check("data", s("https://93.184.215.14/file"))).isEmpty();
    }

    @Test
    void item14_ambiguousSpellingsAreRefused() {
        ArgConstraint c = url(new UrlRule(List.of("http", "https"), List.of(), false));
        for (String bad : List.of("http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://0177.0.0.1/",
                "http://example.com@127.0.0.1/", "http://127.0.0.1\\@example.com/", "http://exa mple.com/",
                "http://ex\u0430mple.com/", "not a url", "//example.com/x", "http:///x")) {
            assertThat(c.check("data", s(bad))).as(bad).isPresent();
        }
    }

    @Test
    void item14_schemeAndHostAllowlists() {
        ArgConstraint c = url(new UrlRule(List.of("https", "data"), List.of("raw.githubusercontent.com", "*.example.org"), false));
        assertThat(c.check("data", s("http://raw.githubusercontent.com/x"))).get().asString().contains("scheme");
        assertThat(c.check("data", s("file:///etc/passwd"))).get().asString().contains("scheme");
        assertThat(c.check("data", s("https://evil.test/x"))).get().asString().contains("host");
        assertThat(c.check("data", s("https://a.example.org.evil.test/x"))).get().asString().contains("host");
        assertThat(c.check("data", s("data:text/plain;base64,aGVsbG8="))).isEmpty();
        // an allowlisted name that resolves to loopback is still refused (no DNS needed: an IP allowlist entry)
        ArgConstraint ip = url(new UrlRule(List.of("http"), List.of("127.0.0.1"), false));
        assertThat(ip.check("data", s("http://127.0.0.1/"))).get().asString().contains("private or loopback");
        ArgConstraint open = url(new UrlRule(List.of("http"), List.of("127.0.0.1"), true));
        assertThat(open.check("data", s("http://127.0.0.1:9/"))).isEmpty();
    }

    @Test
    void item14_nonStringsAndArraysAreChecked() {
        ArgConstraint c = url(new UrlRule(List.of("https"), List.of(), false));
        assertThat(c.check("data", Json.parse("42"))).get().asString().contains("must be a string");
        assertThat(c.check("data", Json.parse("[\"https://93.184.215.14/\", \"http://127.0.0.1/\"]"))).isPresent();
    }

    @Test
    void item14_theShippedEverythingCatalogConstrainsTheGzipUrl() throws Exception {
        Path examples = Path.of("examples").toAbsolutePath();
        GatewayConfig c = ConfigReader.read(examples.resolve("everything.yaml"));
        ArgConstraint data = c.catalog().tools().get("everything__gzip-file-as-resource").constraints().get("data");
        assertThat(data.check("data", s("http://127.0.0.1:8080/admin"))).isPresent();
        assertThat(data.check("data", s("https://evil.test/x"))).get().asString().contains("host");
        assertThat(data.check("data", s("data:text/plain;base64,aGk="))).isEmpty();
    }

    @Test
    void item14_urlRulesAreValidatedWithTheirLine() {
        String yaml = """
                upstreams:
                  up: {command: [x]}
                catalog:
                  tools:
                    up__fetch:
                      constraints:
                        target: {url: {schemes: ["ht tp"], hosts: [a.example], allow_private: maybe, port: 1}}
                """;
        assertThatThrownBy(() -> ConfigReader.parse(yaml, "gw.yaml", Path.of("/tmp"), null))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(p -> p.line() + ": " + p.message())
                        .anyMatch(m -> m.startsWith("7: ") && m.contains("ht tp"))
                        .anyMatch(m -> m.startsWith("7: ") && m.contains("port"))
                        .anyMatch(m -> m.startsWith("7: ") && m.contains("allow_private")));
    }
}
