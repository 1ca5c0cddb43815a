package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #14 item 2: "docs/operations/incident-response.md: the playbook (kill, confirm, investigate,
 * unkill), each step a command that works". This test reads every {@code portcullis ...} line of the
 * page's {@code sh} blocks, runs each exactly as written (a {@code portcullis} launcher of the built
 * jar on the PATH, the page's {@code portcullis.yaml} in the working directory) against a running
 * gateway, in the page's order, and checks what the page says it does, including that a client of
 * the gateway sees the switches (refused, hidden) and sees them lifted.
 */
class IncidentResponsePlaybookIT {
    private static final Pattern BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    record Run(String command, int code, String out, String err) {}

    static List<String> commands() throws IOException {
        String page = Files.readString(Path.of("docs/operations/incident-response.md"));
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(page);
        while (m.find()) {
            m.group(1).lines().map(String::strip).filter(l -> l.startsWith("portcullis ")).forEach(out::add);
        }
        return out;
    }

    Run sh(Path bin, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        p.getOutputStream().close();
        var err = new StringBuilder();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // gone
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(command).isTrue();
        t.join();
        return new Run(command, p.exitValue(), out, err.toString());
    }

    static String text(LegacySession s, String tool) {
        JsonNode r = s.request("tools/call", Json.object().put("name", tool).set("arguments", Json.object().put("message", "x")));
        return r.path("result").toString();
    }

    @Test
    void item2_everyPlaybookCommandWorksAsThePageSays() throws Exception {
        List<String> commands = commands();
        assertThat(commands).as("the playbook's commands, in order").containsExactly(
                "portcullis kill tool demo__delete_project --config portcullis.yaml --reason \"INC-1234: deletes projects without approval\"",
                "portcullis kill tool demo__delete_projects --config portcullis.yaml --reason \"INC-1234\"",
                "portcullis kill upstream demo --env dev --config portcullis.yaml --reason \"INC-1234: upstream compromised\"",
                "portcullis kill environment dev --read-only --config portcullis.yaml --reason \"INC-1234: freeze writes while we look\"",
                "portcullis kill --list --config portcullis.yaml",
                "portcullis audit search --config portcullis.yaml --kind kill_switch",
                "portcullis audit search --config portcullis.yaml --tool demo__delete_project --since 2h",
                "portcullis unkill environment dev --config portcullis.yaml --reason \"INC-1234: writes safe again\"",
                "portcullis unkill upstream demo --env dev --config portcullis.yaml --reason \"INC-1234: upstream rebuilt\"",
                "portcullis unkill tool demo__delete_project --config portcullis.yaml --reason \"INC-1234 fixed: approval rule added\"",
                "portcullis kill --list --config portcullis.yaml");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path launcher = bin.resolve("portcullis");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + JvmPeers.java() + "' --enable-native-access=ALL-UNNAMED -jar '"
                + JvmPeers.jar() + "' \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        String yaml = """
                environments: [dev]
                upstreams:
                  demo:
                    command: %s
                """.formatted(TestGateway.list(JvmPeers.demo()));
        try (TestGateway gw = TestGateway.start(yaml, dir, true)) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            assertThat(s.toolNames()).contains("demo__delete_project", "demo__echo");
            List<Run> runs = new ArrayList<>();
            for (String c : commands) {
                runs.add(sh(bin, c));
                Run r = runs.getLast();
                boolean mistyped = c.contains("demo__delete_projects");
                assertThat(r.code()).as(c + "\n" + r.out() + r.err()).isEqualTo(mistyped ? 2 : 0);
                assertThat(r.err()).doesNotContain("\tat ");
                if (runs.size() == 1) {
                    // 1. kill: "prints kill switch set: ..."; the caller is refused and no longer sees the tool
                    assertThat(r.out()).startsWith("kill switch set: tool demo__delete_project (all environments): INC-1234");
                    assertThat(text(s, "demo__delete_project")).contains("\"isError\":true", "kill-switch",
                            "tool demo__delete_project (all environments)", "INC-1234: deletes projects without approval");
                    assertThat(s.toolNames()).doesNotContain("demo__delete_project").contains("demo__echo");
                }
                if (mistyped) {
                    assertThat(r.err()).contains("no tool is named 'demo__delete_projects'; close names: demo__delete_project");
                }
                if (c.startsWith("portcullis kill environment")) {
                    // the upstream is off in dev: even its read_only tools
                    assertThat(text(s, "demo__echo")).contains("\"isError\":true", "upstream demo (in dev)");
                }
            }
            // 2. confirm: the three switches in force, and their flips
            assertThat(runs.get(4).out()).contains("IN FORCE (3)", "demo__delete_project", "INC-1234: upstream compromised",
                    "read-only", "INC-1234: freeze writes while we look");
            // 3. investigate: every flip is an audit record
            assertThat(runs.get(5).out()).contains("kill_switch");
            // 4. unkill: everything lifted, the caller sees and may call the tools again
            assertThat(runs.get(9).out()).contains("kill switch lifted: tool demo__delete_project (all environments)");
            assertThat(runs.get(10).out()).contains("IN FORCE (0)", "unkill");
            assertThat(s.toolNames()).contains("demo__delete_project");
            assertThat(text(s, "demo__echo")).doesNotContain("\"isError\":true");
            // an unkill of a switch that is not in force fails (exit 1) and lists those that are
            Run none = sh(bin, "portcullis unkill tool demo__echo --config portcullis.yaml");
            assertThat(none.code()).isEqualTo(1);
            assertThat(none.err()).contains("no kill switch on tool demo__echo is in force; in force: []");
        }
    }
}
