package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.settings.UpstreamConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue #11 item 6: a child gets PATH, HOME, LANG, TMPDIR, its allowlist and its declared env, nothing else. */
class ChildEnvironmentTest {

    @Test
    void item6_onlyTheBaseTheAllowlistAndTheDeclaredEnv() {
        UpstreamConfig c = new UpstreamConfig("a", UpstreamConfig.Transport.STDIO, List.of("x"), Map.of("DECLARED", "1", "LANG", "C"),
                null, null, Map.of(), "a", Duration.ofSeconds(1), "2025-11-25", null,
                new UpstreamConfig.Stdio(List.of("AWS_REGION", "ABSENT"), 1 << 20, 1), null, null);
        Map<String, String> gateway = Map.of("PATH", "/bin", "HOME", "/h", "LANG", "en_US.UTF-8", "TMPDIR", "/t",
                "AWS_REGION", "eu", "PGPASSWORD", "secret", "AWS_SECRET_ACCESS_KEY", "k");
        assertThat(ChildEnvironment.of(c, gateway)).containsExactlyInAnyOrderEntriesOf(
                Map.of("PATH", "/bin", "HOME", "/h", "LANG", "C", "TMPDIR", "/t", "AWS_REGION", "eu", "DECLARED", "1"));
    }
}
