package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The audit: section of the config, with file:line problems like the rest. */
class AuditConfigReaderTest {
    static final String BASE = """
            environments: [dev, prod]
            upstreams:
              demo: {command: [echo]}
            """;

    @Test
    void readsEveryKey() throws ConfigException {
        GatewayConfig c = ConfigReader.parse(BASE + """
                audit:
                  signing_key: keys/a.pem
                  trusted_keys: [keys/b.pub.pem]
                  node_id: gw-1
                  checkpoint_every: 50
                  checkpoint_interval: 5s
                  mask_fields: [ssn]
                  max_value_chars: 100
                  retention: {dev: 7d, prod: 400d}
                  default_retention: 90d
                  prune_interval: 10m
                  write_timeout: 2s
                  admin_token_env: ADMIN_TOKEN
                """, "t.yaml", Path.of("/etc/p"), null);
        AuditConfig a = c.audit();
        assertThat(a.signingKey()).isEqualTo(Path.of("/etc/p/keys/a.pem"));
        assertThat(a.generateKey()).isFalse();
        assertThat(a.trustedKeys()).containsExactly(Path.of("/etc/p/keys/b.pub.pem"));
        assertThat(a.nodeId()).isEqualTo("gw-1");
        assertThat(a.checkpointEvery()).isEqualTo(50);
        assertThat(a.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.maskFields()).containsExactly("ssn");
        assertThat(a.retentionOf("dev")).contains(Duration.ofDays(7));
        assertThat(a.retentionOf("prod")).contains(Duration.ofDays(400));
        assertThat(a.defaultRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(a.writeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.adminTokenEnv()).isEqualTo("ADMIN_TOKEN");
    }

    @Test
    void defaultsKeepTheKeyInTheDataDirectoryAndEverythingForever() throws ConfigException {
        AuditConfig a = ConfigReader.parse(BASE, "t.yaml", Path.of("/etc/p"), null).audit();
        assertThat(a.signingKey()).isEqualTo(Path.of("/etc/p/data/audit-signing-key.pem"));
        assertThat(a.generateKey()).isTrue();
        assertThat(a.retentionOf("dev")).isEmpty();
    }

    @Test
    void problemsNameTheirLine() {
        assertThatThrownBy(() -> ConfigReader.parse(BASE + """
                audit:
                  retention: {staging: 7d}
                  checkpoint_every: 0
                  node_id: "bad id/"
                  colour: blue
                """, "t.yaml", Path.of("/etc/p"), null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Object::toString)
                        .anySatisfy(p -> assertThat(p).contains("t.yaml:5").contains("staging"))
                        .anySatisfy(p -> assertThat(p).contains("t.yaml:6").contains("checkpoint_every"))
                        .anySatisfy(p -> assertThat(p).contains("t.yaml:7").contains("node_id"))
                        .anySatisfy(p -> assertThat(p).contains("t.yaml:8").contains("colour")));
    }
}
