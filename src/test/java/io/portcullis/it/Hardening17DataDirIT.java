package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.peers.GatewayProcess;
import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 17: {@code serve} and {@code stdio} on the same config (one data directory, one node,
 * one audit chain) made the running gateway refuse calls on duplicate sequence numbers. The second
 * process is now refused at start with one line naming the holder of the chain, and the running
 * gateway keeps serving.
 */
class Hardening17DataDirIT {
    @TempDir
    Path dir;

    @Test
    void item17_aSecondGatewayOnTheSameDataDirectoryIsRefusedNamingTheHolder() throws Exception {
        String yaml = """
                environments: [dev]
                upstreams:
                  demo:
                    command: %s
                catalog: {unlisted: allow}
                readiness: {gate: {enforce: false}}
                """.formatted(TestGateway.list(JvmPeers.demo()));
        try (GatewayProcess serve = GatewayProcess.start(yaml, dir)) {
            Process stdio = new ProcessBuilder(JvmPeers.portcullis("stdio", "--config", dir.resolve("portcullis.yaml").toString()))
                    .directory(dir.toFile()).start();
            stdio.getOutputStream().close();
            byte[] err = stdio.getErrorStream().readAllBytes();
            assertThat(stdio.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String text = new String(err, StandardCharsets.UTF_8);
            assertThat(stdio.exitValue()).as(text).isEqualTo(2); // #12 item 6: cannot run on this config: exit 2 (cli/Exit)
            assertThat(text).contains("is in use by another gateway process (pid ").contains("server.data_dir")
                    .doesNotContain("\tat ", "Exception");

            // the commands that only inspect the config work beside it (the README runs `catalog list` in a
            // second terminal): they keep their own state apart, and do not write the running gateway's chain
            for (String[] inspect : new String[][] {{"catalog", "list"}, {"readiness", "--env", "dev"}}) {
                java.util.List<String> cmd = new java.util.ArrayList<>(JvmPeers.portcullis(inspect));
                cmd.addAll(java.util.List.of("--config", dir.resolve("portcullis.yaml").toString()));
                Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(out).isZero();
                assertThat(out).contains(inspect[0].equals("catalog") ? "demo__echo" : "C4.2");
            }

            LegacySession s = LegacySession.open(new WireClient(java.net.URI.create(serve.url())), "2025-11-25");
            ObjectNode p = Json.object().put("name", "demo__echo");
            p.putObject("arguments").put("message", "still serving");
            var answer = s.request("tools/call", p);
            assertThat(answer.path("result").path("content").path(0).path("text").asString()).isEqualTo("still serving");
            assertThat(serve.log()).doesNotContain("UNIQUE constraint failed", "AUDIT");
        }
    }
}
