package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Who may open a data directory's store while a gateway serves from it.
 * <ul>
 *   <li>#21 item 13: the serving gateway holds the SQLite file exclusively, so SQLite keeps the WAL
 *       index in heap memory: there is no memory-mapped {@code portcullis.db-shm} whose loss (made
 *       unwritable, truncated) kills the JVM with SIGBUS. A planted, unwritable {@code -shm} file
 *       changes nothing: calls go on and the log verifies.</li>
 *   <li>#11 item 17: a second gateway process ({@code stdio} beside a running one, on the same
 *       config) is refused at start with one line naming the holder, instead of both writing one
 *       chain; a CLI write beside an exclusive gateway goes through its admin API (#21 item 13), and with
 *       {@code store.sqlite_locking: shared} too (the gateway's admin.local file is there in both modes).</li>
 * </ul>
 */
class StoreOwnershipIT {

    static String yaml(String extra) {
        return """
                environments: [dev]
                upstreams:
                  demo:
                    command: %s
                """.formatted(TestGateway.list(JvmPeers.demo())) + extra;
    }

    static ObjectNode echo(LegacySession s, String text) {
        return s.request("tools/call", Json.object().put("name", "demo__echo").set("arguments", Json.object().put("message", text)));
    }

    record Run(int code, String out, String err) {}

    static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        try {
            p.getOutputStream().close(); // stdio gets end of input at once
            var err = new StringBuilder();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // gone
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited: " + command).isTrue();
            t.join();
            return new Run(p.exitValue(), out, err.toString());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void item13_theServingGatewayHasNoSharedMemoryFileToLose() throws Exception {
        try (TestGateway gw = TestGateway.start(yaml("store: {sqlite_locking: exclusive}\n"))) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            assertThat(echo(s, "one").path("result").path("content").path(0).path("text").asString()).isEqualTo("one");
            Path data = gw.gateway().config().server().dataDir();
            assertThat(data.resolve("portcullis.db")).exists();
            assertThat(data.resolve("portcullis.db-shm")).as("the WAL index is not a memory-mapped file").doesNotExist();

            // an operator (or a full disk) breaks the shared-memory file: nothing maps it, nothing dies
            Path shm = Files.writeString(data.resolve("portcullis.db-shm"), "garbage");
            Files.setPosixFilePermissions(shm, PosixFilePermissions.fromString("---------"));
            for (int i = 0; i < 20; i++) {
                assertThat(echo(s, "again " + i).path("result").path("content").path(0).path("text").asString()).isEqualTo("again " + i);
            }
            assertThat(gw.gateway().audit().verify().problems()).isEmpty();
        }
    }

    @Test
    void item17_aSecondGatewayOnTheSameDataDirectoryIsRefusedNamingTheHolder() throws Exception {
        try (TestGateway gw = TestGateway.start(yaml("store: {sqlite_locking: exclusive}\n"))) {
            Run second = run(JvmPeers.portcullis("stdio", "--config", gw.configFile().toString()));
            assertThat(second.code()).isNotZero();
            assertThat(second.err()).contains("is in use by another gateway process (pid " + ProcessHandle.current().pid())
                    .doesNotContain("\tat ", "Exception");

            // #21 item 13: a CLI write beside the exclusive gateway goes through its admin API (CliThroughGatewayIT)
            Run key = run(JvmPeers.portcullis("keys", "create", "--config", gw.configFile().toString(), "--role", "ci",
                    "--env", "dev", "--expires", "1d"));
            assertThat(key.code()).as(key.err()).isZero();
            assertThat(key.out()).startsWith("pcl_");
            assertThat(key.err()).doesNotContain("\tat ", "SQLITE_BUSY");

            // the running gateway was not disturbed
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            assertThat(echo(s, "still").path("result").path("content").path(0).path("text").asString()).isEqualTo("still");
        }
    }

    @Test
    void item17_inSharedModeACliWriteWaitsForTheLockBesideTheRunningGateway() throws Exception {
        try (TestGateway gw = TestGateway.start(yaml("store: {sqlite_locking: shared}\n"))) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            echo(s, "before");
            Run key = run(JvmPeers.portcullis("keys", "create", "--config", gw.configFile().toString(), "--role", "ci",
                    "--env", "dev", "--expires", "1d"));
            assertThat(key.code()).as(key.err()).isZero();
            assertThat(key.out()).startsWith("pcl_");
            // a second gateway is still refused in shared mode: one serving process per data directory
            Run second = run(JvmPeers.portcullis("stdio", "--config", gw.configFile().toString()));
            assertThat(second.err()).contains("is in use by another gateway process");
            echo(s, "after");
            gw.gateway().audit().checkpoint();
            assertThat(gw.gateway().audit().verify().problems()).isEmpty();
        }
    }
}
