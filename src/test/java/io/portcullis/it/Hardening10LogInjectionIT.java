package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 10 (C4.1, C4.4): a client cannot write lines into the gateway's log. Its
 * {@code clientInfo.name} and a tool name carrying CR, LF, NUL, an ANSI escape and a bidi
 * override are logged by the real gateway process (the shipped logback configuration): in the
 * text format each value stays on its own line with the characters escaped; in the JSON format
 * every line is one valid JSON object and no raw control or bidi character reaches the terminal.
 */
class Hardening10LogInjectionIT {
    static final String FAKE = "12:00:00.000 INFO  calls call call_id=forged tool=demo__delete_project outcome=ok";
    static final String HOSTILE_CLIENT = "evil\r\n" + FAKE + "\u0000\u001b[2K\u202Eexe.txt";

    @TempDir
    Path dir;

    private StdioPeer start(boolean json) throws Exception {
        Path config = dir.resolve("gw.yaml");
        Files.writeString(config, """
                environments: [dev]
                upstreams:
                  demo:
                    command: %s
                catalog: {unlisted: allow}
                readiness: {gate: {enforce: false}}
                """.formatted(TestGateway.list(JvmPeers.demo())));
        List<String> cmd = new ArrayList<>(List.of("env", "PORTCULLIS_LOG_FORMAT=" + (json ? "json" : "text")));
        cmd.addAll(JvmPeers.portcullis("stdio", "--config", config.toString()));
        return new StdioPeer(cmd, dir);
    }

    /** initialize with the hostile client name, call an unknown tool with a hostile name, call echo. */
    private static String drive(StdioPeer gw) throws Exception {
        ObjectNode init = LegacySession.initialize(1, "2025-11-25", Json.object());
        ((ObjectNode) init.path("params")).putObject("clientInfo").put("name", HOSTILE_CLIENT).put("version", "1");
        gw.send(init);
        gw.nextResponse();
        gw.send(Message.notification("notifications/initialized", null));
        ObjectNode bad = Json.object().put("name", "nope\n" + FAKE);
        bad.putObject("arguments");
        gw.send(Message.request(Json.object().numberNode(2), "tools/call", bad));
        gw.nextResponse();
        ObjectNode echo = Json.object().put("name", "demo__echo");
        echo.putObject("arguments").put("message", "hello");
        gw.send(Message.request(Json.object().numberNode(3), "tools/call", echo));
        gw.nextResponse();
        assertThat(gw.closeInputAndWait(Duration.ofSeconds(30))).isZero();
        return gw.stderr();
    }

    @Test
    void item10_textLogEscapesControlAndBidiCharactersOfClientValues() throws Exception {
        try (StdioPeer gw = start(false)) {
            String log = drive(gw);
            assertThat(log).contains("call_id=").contains("demo__echo");
            for (String line : log.split("\n", -1)) {
                assertThat(line).as("no forged line").doesNotStartWith("12:00:00.000 INFO  calls");
                assertThat(line).as("raw control/bidi characters in: " + line)
                        .doesNotContain("\r", "\u0000", "\u001b", "\u202E");
            }
            // #11 item 19: a text line carries the date and zone, and the call line of a refusal carries its reason
            assertThat(log).containsPattern("(?m)^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  calls call call_id=");
            assertThat(log.lines().filter(l -> l.contains("outcome=refused")).toList()).singleElement().asString()
                    .contains("control=catalog").containsPattern("error=.*nope");
            assertThat(log).as("the escaped client name is on the call line")
                    .contains("evil\\r\\n" + FAKE + "\\0\\u001B[2K\\u202Eexe.txt")
                    .contains("nope\\n" + FAKE);
        }
    }

    @Test
    void item10_jsonLogStaysOneValidObjectPerLine() throws Exception {
        try (StdioPeer gw = start(true)) {
            String log = drive(gw);
            int calls = 0;
            for (String line : log.split("\n")) {
                if (line.isBlank() || !line.startsWith("{")) {
                    continue; // a stdio upstream's own stderr
                }
                assertThat(line).doesNotContain("\u202E", "\u001b", "\r");
                var o = Json.parse(line);
                if ("portcullis.calls".equals(o.path("logger_name").asString())) {
                    calls++;
                    assertThat(o.path("message").asString()).doesNotContain("\n");
                    if (o.path("client").asString("").startsWith("evil")) {
                        assertThat(o.path("client").asString()).isEqualTo(HOSTILE_CLIENT);
                    }
                }
            }
            assertThat(calls).isGreaterThanOrEqualTo(2);
        }
    }
}
