package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.ServerSettings;
import io.portcullis.settings.ToolSettings;
import io.portcullis.settings.UpstreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** YAML → validated GatewayConfig: good configs and their defaults, and every kind of problem with its line. */
class ConfigReaderTest {
    static final Path BASE = Path.of("/etc/portcullis");

    static GatewayConfig read(String yaml) throws ConfigException {
        return ConfigReader.parse(yaml, "gw.yaml", BASE, null);
    }

    /** The problems as "line: message". */
    static List<String> problems(String yaml) {
        try {
            read(yaml);
        } catch (ConfigException e) {
            e.problems().forEach(p -> assertThat(p.file()).isEqualTo("gw.yaml"));
            return e.problems().stream().map(p -> p.line() + ": " + p.message()).toList();
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    @Test
    void aMinimalConfigGetsTheDefaults() throws Exception {
        GatewayConfig c = read("upstreams:\n  demo:\n    command: [demo-server, --stdio]\n");
        ServerSettings s = c.server();
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.maxBodyBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(s.toolSeparator()).isEqualTo("__");
        assertThat(s.pageSize()).isEqualTo(100);
        assertThat(s.dataDir()).isEqualTo(BASE.resolve("data"));
        assertThat(c.environments()).extracting(EnvironmentConfig::name).containsExactly("default");
        UpstreamConfig u = c.upstreams().get("demo");
        assertThat(u.transport()).isEqualTo(UpstreamConfig.Transport.STDIO);
        assertThat(u.command()).containsExactly("demo-server", "--stdio");
        assertThat(u.prefix()).isEqualTo("demo");
        assertThat(u.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(u.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(u.protocol()).isEqualTo(UpstreamConfig.Protocol.AUTO);
        assertThat(c.tool("demo__x")).isEqualTo(ToolSettings.DEFAULT);
    }

    @Test
    void theProtocolEraOfAnUpstreamCanBePinnedAndABadValueIsReportedWithItsLine() throws Exception {
        GatewayConfig c = read("""
                upstreams:
                  a: {command: x, protocol: legacy}
                  b: {command: y, protocol: modern}
                  c: {url: "http://127.0.0.1:1/mcp", protocol: auto}
                """);
        assertThat(c.upstreams().get("a").protocol()).isEqualTo(UpstreamConfig.Protocol.LEGACY);
        assertThat(c.upstreams().get("b").protocol()).isEqualTo(UpstreamConfig.Protocol.MODERN);
        assertThat(c.upstreams().get("c").protocol()).isEqualTo(UpstreamConfig.Protocol.AUTO);
        List<String> p = problems("""
                upstreams:
                  a:
                    command: x
                    protocol: sometimes
                  b:
                    command: y
                    protocol_version: 2026-07-28
                """);
        assertThat(p).containsExactly(
                "4: 'protocol' must be auto, legacy or modern; got 'sometimes'",
                "7: 'protocol_version' (the version asked for in initialize) must be one of [2025-03-26, 2025-06-18, 2025-11-25]; "
                        + "2026-07-28 is spoken with 'protocol: modern' or 'auto'");
    }

    @Test
    void stdioChildSettingsAreReadValidatedAndForStdioOnly() throws Exception {
        UpstreamConfig d = read("upstreams:\n  a: {command: x}\n").upstreams().get("a");
        assertThat(d.stdio()).isEqualTo(UpstreamConfig.Stdio.DEFAULTS);
        UpstreamConfig u = read("""
                upstreams:
                  a: {command: x, inherit_env: [AWS_REGION], max_line_bytes: 1048576, protocol_tolerance: 0}
                """).upstreams().get("a");
        assertThat(u.stdio()).isEqualTo(new UpstreamConfig.Stdio(List.of("AWS_REGION"), 1048576, 0));
        assertThat(problems("""
                upstreams:
                  a:
                    command: x
                    inherit_env: ["NOT-A-NAME"]
                    max_line_bytes: 10
                  b:
                    url: "http://127.0.0.1:1/mcp"
                    inherit_env: [PATH]
                """)).containsExactly(
                "4: 'inherit_env' names environment variables ([A-Za-z_][A-Za-z0-9_]*); got 'NOT-A-NAME'",
                "5: 'max_line_bytes' must be a whole number from 65536 to 1073741824",
                "8: 'inherit_env' applies to stdio (command) upstreams only");
    }

    @Test
    void onlyATimeoutOrToleranceChangeKeepsTheSameConnection() throws Exception {
        UpstreamConfig a = read("upstreams:\n  a: {command: x, timeout: 5s}\n").upstreams().get("a");
        assertThat(a.sameConnectionAs(read("upstreams:\n  a: {command: x, timeout: 1s, protocol_tolerance: 2}\n").upstreams().get("a"))).isTrue();
        assertThat(a.sameConnectionAs(read("upstreams:\n  a: {command: x, timeout: 5s, env: {A: b}}\n").upstreams().get("a"))).isFalse();
        assertThat(a.sameConnectionAs(read("upstreams:\n  a: {command: y, timeout: 5s}\n").upstreams().get("a"))).isFalse();
    }

    @Test
    void anEmptyFileIsAValidGatewayWithNoUpstreams() throws Exception {
        assertThat(read("").upstreams()).isEmpty();
        assertThat(read("# nothing yet\n").environments()).hasSize(1);
    }

    @Test
    void aFullConfigIsReadAsWritten() throws Exception {
        GatewayConfig c = read("""
                server:
                  host: 0.0.0.0
                  port: 9000
                  allowed_origins: [https://app.example.com]
                  allowed_hosts: mcp.internal
                  max_body_bytes: 65536
                  data_dir: /var/lib/portcullis
                  tool_separator: "."
                  page_size: 20
                  session_idle_timeout: 5m
                environments:
                  - dev
                  - {name: prod, production: true}
                upstreams:
                  files:
                    command: mcp-server-filesystem
                    args: [/srv/files]
                    env: {LOG: quiet}
                    cwd: work
                    prefix: fs
                    timeout: 500ms
                    protocol_version: 2025-06-18
                  remote:
                    url: https://mcp.example.com/mcp
                    headers:
                      Authorization: {env: REMOTE_TOKEN, prefix: "Bearer "}
                      X-Key: {file: secrets/key.txt}
                    prefix: r
                tools:
                  fs.write_file: {enabled: false}
                  search: {environments: [dev], timeout: 2s}
                """);
        ServerSettings s = c.server();
        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.allowedOrigins()).containsExactly("https://app.example.com");
        assertThat(s.allowedHosts()).containsExactly("mcp.internal");
        assertThat(s.maxBodyBytes()).isEqualTo(65536);
        assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/portcullis"));
        assertThat(s.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.defaultEnvironment().name()).isEqualTo("dev");
        assertThat(c.environment("prod").orElseThrow().production()).isTrue();
        UpstreamConfig files = c.upstreams().get("files");
        assertThat(files.command()).containsExactly("mcp-server-filesystem", "/srv/files");
        assertThat(files.env()).containsEntry("LOG", "quiet");
        assertThat(files.cwd()).isEqualTo(BASE.resolve("work"));
        assertThat(files.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(files.protocolVersion()).isEqualTo("2025-06-18");
        UpstreamConfig remote = c.upstreams().get("remote");
        assertThat(remote.transport()).isEqualTo(UpstreamConfig.Transport.HTTP);
        assertThat(remote.url().toString()).isEqualTo("https://mcp.example.com/mcp");
        assertThat(remote.prefix()).isEqualTo("r"); // an empty prefix is for a sole upstream only (#11 item 4)
        assertThat(remote.headers().get("Authorization")).isEqualTo(new UpstreamConfig.HeaderSource("REMOTE_TOKEN", null, "Bearer "));
        assertThat(remote.headers().get("X-Key").file()).isEqualTo(BASE.resolve("secrets/key.txt"));
        assertThat(List.copyOf(c.upstreams().keySet())).containsExactly("files", "remote");
        assertThat(c.tool("fs.write_file").enabled()).isFalse();
        assertThat(c.tool("search").enabledIn("dev")).isTrue();
        assertThat(c.tool("search").enabledIn("prod")).isFalse();
        assertThat(c.tool("search").timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void brokenYamlSaysWhere() {
        assertThat(problems("upstreams:\n  demo:\n    command: [a, b\n  other: 1\n")).singleElement().asString()
                .startsWith("4: not valid YAML");
        assertThat(problems("a: 1\n b: 2\n")).singleElement().asString().contains("not valid YAML");
    }

    @Test
    void theRootMustBeAMapping() {
        assertThat(problems("- a\n- b\n")).singleElement().asString().contains("must be a mapping");
    }

    /** #11 item 15: the cap on sessions per principal has a default and is validated with its line. */
    @Test
    void item15_maxSessionsPerPrincipalHasADefaultAndIsValidated() throws Exception {
        assertThat(read("upstreams:\n  demo:\n    command: [x]\n").server().maxSessionsPerPrincipal())
                .isEqualTo(ServerSettings.DEFAULT_MAX_SESSIONS_PER_PRINCIPAL);
        assertThat(read("server:\n  max_sessions_per_principal: 5\nupstreams:\n  demo:\n    command: [x]\n").server()
                .maxSessionsPerPrincipal()).isEqualTo(5);
        assertThat(problems("server:\n  max_sessions_per_principal: 0\nupstreams:\n  demo:\n    command: [x]\n"))
                .contains("2: 'max_sessions_per_principal' must be a whole number from 1 to 100000");
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsLine() {
        List<String> p = problems("""
                server:
                  port: 70000
                  page_size: many
                  tool_separator: "::"
                  max_body_bytes: 10
                  session_idle_timeout: 5 minutes
                  colour: blue
                environments: [dev, dev, Bad Name]
                upstreams:
                  Demo:
                    command: x
                  both:
                    command: x
                    url: http://127.0.0.1/mcp
                  neither:
                    prefix: n
                  ftp:
                    url: ftp://example.com/mcp
                  static:
                    url: http://127.0.0.1/mcp
                    headers:
                      Authorization: Bearer secret
                      X-Both: {env: A, file: b}
                  local:
                    command: [x, 3, true]
                    headers:
                      X-A: {env: A}
                    prefix: "has space"
                    protocol_version: 2024-11-05
                    timeout: 10
                  copy:
                    command: y
                    prefix: ftp
                tools:
                  t1: {enabled: yes please, environments: [staging], colour: red}
                  t2: 5
                extra: true
                """);
        assertThat(p.subList(0, p.size() - 1)).containsExactly(
                "2: 'port' must be a whole number from 0 to 65535",
                "3: 'page_size' must be a whole number from 1 to 10000",
                "4: 'tool_separator' must be 1-8 characters of [A-Za-z0-9_.-] (tool names must stay within the spec's alphabet)",
                "5: 'max_body_bytes' must be a whole number from 1024 to 1073741824",
                "6: 'session_idle_timeout' must be a duration such as 500ms, 30s, 5m, 1h or 7d; got '5 minutes'",
                "7: unknown key 'colour'; expected one of [allowed_hosts, allowed_origins, data_dir, drain_grace, host, max_body_bytes, max_concurrent, max_queue, max_sessions, max_sessions_per_principal, page_size, port, queue_wait, session_idle_timeout, tool_separator]",
                "8: environment 'dev' is declared twice",
                "8: an environment needs a 'name' of lowercase letters, digits, '-' or '_'",
                "10: upstream name 'Demo' must be lowercase letters, digits, '-' or '_' (1-63)",
                "12: upstream 'both' needs exactly one of 'command' (stdio) and 'url' (Streamable HTTP)",
                "15: upstream 'neither' needs exactly one of 'command' (stdio) and 'url' (Streamable HTTP)",
                "18: 'url' must be an http:// or https:// URL; got 'ftp://example.com/mcp'",
                "22: header 'Authorization' must be {env: VAR} or {file: path} (static values in the file are not allowed: keep secrets out of config)",
                "23: header 'X-Both' needs exactly one of 'env' and 'file'",
                "25: 'command' entries must be strings",
                "26: 'headers' apply to url upstreams only",
                "28: 'prefix' must be up to 64 characters of [A-Za-z0-9_.-]",
                "29: 'protocol_version' (the version asked for in initialize) must be one of [2025-03-26, 2025-06-18, 2025-11-25]; 2026-07-28 is spoken with 'protocol: modern' or 'auto'",
                "30: 'timeout' must be a duration such as 500ms, 30s, 5m, 1h or 7d; got '10'",
                "33: prefix 'ftp' is already used by upstream 'ftp'",
                "35: unknown key 'colour'; expected one of [enabled, environments, max_concurrent, max_queue, timeout]",
                "35: tool 't1' names environment 'staging', which is not declared",
                "35: 'enabled' must be true or false",
                "36: tool 't2' must be a mapping (enabled, environments, timeout, max_concurrent, max_queue)");
        // the top-level keys grow with each capability's section
        assertThat(p.getLast()).startsWith("37: unknown key 'extra'; expected one of [")
                .contains("environments", "server", "tools", "upstreams");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "environments: []|1: 'environments' must be a non-empty list; the first is served at /mcp",
            "environments: dev|1: 'environments' must be a non-empty list; the first is served at /mcp",
            "environments: [{production: true}]|1: an environment needs a 'name' of lowercase letters, digits, '-' or '_'",
            "upstreams: [a, b]|1: 'upstreams' must be a mapping",
            "upstreams: {a: 1}|1: upstream 'a' needs 'command' (stdio) or 'url' (Streamable HTTP)",
            "server: 8080|1: 'server' must be a mapping",
            "server: {host: [a]}|1: 'host' must be a string",
            "server: {allowed_origins: {a: 1}}|1: 'allowed_origins' must be a list of strings",
            "tools: [a]|1: 'tools' must be a mapping"})
    void oneProblemOfEachShape(String yaml, String problem) {
        assertThat(problems(yaml)).contains(problem);
    }

    @Test
    void prefixesMustBeUniqueButNamesMayDifferFromThem() throws Exception {
        assertThat(problems("upstreams:\n  a: {command: x}\n  b: {command: y, prefix: a}\n"))
                .containsExactly("3: prefix 'a' is already used by upstream 'a'");
        assertThat(read("upstreams:\n  a: {command: x, prefix: b}\n  b: {command: y, prefix: a}\n").upstreams()).hasSize(2);
    }

    @Test
    void aFileIsReadWithItsNameInEveryProblem(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("gw.yaml");
        Files.writeString(f, "server:\n  port: -1\n");
        assertThatThrownBy(() -> ConfigReader.read(f)).isInstanceOf(ConfigException.class)
                .hasMessage(f + ":2: 'port' must be a whole number from 0 to 65535");
        Files.writeString(f, "upstreams:\n  a: {command: x, cwd: sub}\n");
        GatewayConfig c = ConfigReader.read(f);
        assertThat(c.source()).isEqualTo(f);
        assertThat(c.upstreams().get("a").cwd()).isEqualTo(dir.resolve("sub"));
        assertThatThrownBy(() -> ConfigReader.read(dir.resolve("missing.yaml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml:0: cannot read");
    }

    @Test
    void headerValuesResolveFromFilesAndSayWhatIsMissing(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("token");
        Files.writeString(secret, "s3cret\n");
        assertThat(new UpstreamConfig.HeaderSource(null, secret, "Bearer ").resolve()).isEqualTo("Bearer s3cret");
        assertThatThrownBy(() -> new UpstreamConfig.HeaderSource("PORTCULLIS_SURELY_UNSET_VAR", null, "").resolve())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PORTCULLIS_SURELY_UNSET_VAR");
        assertThatThrownBy(() -> new UpstreamConfig.HeaderSource(null, dir.resolve("nope"), "").resolve())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nope");
    }

    /** An upstream URL may carry credentials (user info, a query key): what is shown never does. */
    @Test
    void anUpstreamsUrlIsShownWithoutCredentials() throws Exception {
        UpstreamConfig u = read("""
                upstreams:
                  crm: {url: "https://bot:pw@crm.example:8443/mcp?api_key=k3y"}
                """).upstreams().get("crm");
        assertThat(u.shownUrl()).isEqualTo("https://crm.example:8443/mcp");
        assertThat(u.scrub("cannot reach " + u.url() + " (refused)")).isEqualTo("cannot reach https://crm.example:8443/mcp (refused)");
        assertThat(u.scrub(null)).isNull();
    }

    /** #21 items 12 and 14: the listener's admission and grace period, an upstream's bulkhead; checked with their lines. */
    @Test
    void item14_admissionAndBulkheadKeysAreReadAndChecked() throws Exception {
        GatewayConfig c = ConfigReader.parse("""
                server: {max_concurrent: 10, max_queue: 5, queue_wait: 250ms, drain_grace: 7s}
                upstreams:
                  a: {command: x, timeout: 9s, max_concurrent: 3, max_queue: 0}
                  b: {command: y}
                """, "t.yaml", java.nio.file.Path.of("."), null);
        assertThat(c.server().admission()).isEqualTo(new io.portcullis.resilience.AdmissionConfig(10, 5, java.time.Duration.ofMillis(250)));
        assertThat(c.server().drainGrace()).isEqualTo(java.time.Duration.ofSeconds(7));
        assertThat(c.upstreams().get("a").bulkhead()).isEqualTo(new io.portcullis.resilience.AdmissionConfig(3, 0, java.time.Duration.ofSeconds(9)));
        assertThat(c.upstreams().get("b").bulkhead().maxConcurrent()).isEqualTo(io.portcullis.resilience.AdmissionConfig.UPSTREAM.maxConcurrent());
        assertThatThrownBy(() -> ConfigReader.parse("""
                server: {max_concurrent: 0}
                upstreams:
                  a: {command: x, max_queue: -1}
                """, "t.yaml", java.nio.file.Path.of("."), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml:1: 'max_concurrent' must be a whole number from 1")
                .hasMessageContaining("t.yaml:3: 'max_queue' must be a whole number from 0");
    }
}
