package io.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** #13 item 2: custom detectors in config; a pattern RE2 refuses is a config error with file:line. */
class EgressConfigTest {
    static final String BASE = "upstreams:\n  up: {command: [\"true\"]}\n";

    static io.portcullis.config.GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigReader.parse(BASE + yaml, "egress.yaml", Path.of("/tmp"), null);
    }

    @Test
    void item2_aBacktrackingPatternIsRefusedWithFileAndLine() {
        String yaml = """
                egress:
                  detectors:
                    - id: custom.repeat
                      pattern: '(a+)\\1'
                    - id: custom.lookahead
                      pattern: 'x(?=y)'
                """;
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("egress.yaml:6: the pattern of 'custom.repeat' is not accepted by RE2")
                .hasMessageContaining("egress.yaml:8: the pattern of 'custom.lookahead' is not accepted by RE2");
    }

    @Test
    void item2_otherMistakesAreReportedToo() {
        String yaml = """
                egress:
                  enable: [pii.nope]
                  actions: {pii.email: shred, custom.unknown: redact}
                  environments: {staging: {pii.*: block}}
                  detectors:
                    - id: secret.jwt
                      pattern: 'x'
                    - id: custom.empty
                      pattern: 'a*'
                    - id: custom.v
                      pattern: 'v[0-9]+'
                      validator: entropy>=x
                """;
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'pii.nope' is not a built-in detector class")
                .hasMessageContaining("must be one of redact, mask, pseudonymize, block, label; got 'shred'")
                .hasMessageContaining("unknown class 'custom.unknown'")
                .hasMessageContaining("environment 'staging' is not declared")
                .hasMessageContaining("detector id 'secret.jwt' is already taken")
                .hasMessageContaining("matches the empty text")
                .hasMessageContaining("'validator' must be luhn, iban or entropy>=N");
    }

    @Test
    void item2_aCustomDetectorFindsOnlyNearItsKeywordsAndWithItsValidator() throws Exception {
        EgressConfig cfg = parse("""
                egress:
                  enable: [pii.ip-address]
                  disable: [pii.phone]
                  detectors:
                    - id: custom.employee-id
                      pattern: 'EMP-([0-9]{6})'
                      group: 1
                      keywords: [employee]
                      near: 20
                      labels: [customer-data]
                    - id: custom.api-token
                      pattern: 'tok_[A-Za-z0-9]{16}'
                      validator: entropy>=3.5
                """).egress();
        assertThat(cfg.classes()).contains("custom.employee-id", "custom.api-token", "pii.ip-address").doesNotContain("pii.phone");
        Scanner s = cfg.scanner();
        assertThat(s.scan("employee EMP-123456")).extracting(x -> x.kind() + "@" + x.start()).containsExactly("custom.employee-id@13");
        assertThat(s.scan("EMP-123456 is a part number, nothing else around here")).isEmpty();
        assertThat(s.scan("tok_aaaaaaaaaaaaaaaa")).isEmpty(); // entropy 0
        assertThat(s.scan("tok_q8Zr2LmX0pVt7KwB")).extracting(x -> x.kind()).containsExactly("custom.api-token");
        assertThat(s.scan("from 10.1.2.3 now")).extracting(x -> x.kind()).containsExactly("pii.ip-address");
        assertThat(s.detector("custom.employee-id").labels()).containsExactly("customer-data");
    }

    @Test
    void item1_withoutASectionTheShippedDefaultsApply() throws Exception {
        EgressConfig cfg = parse("").egress();
        assertThat(cfg.enabled()).isTrue();
        assertThat(cfg.classes()).contains("secret.aws-access-key-id", "pii.email", "pii.iban").doesNotContain("pii.ip-address");
    }
}
