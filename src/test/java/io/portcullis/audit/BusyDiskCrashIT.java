package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #20 item 3 (last bullet), C4.2: the crash test under a busy disk. The data directory sits on a
 * disk that a background writer keeps busy ({@code dd} writing and fsyncing in a loop, bounded by
 * {@code timeout}, stopped by its PID in finally); a real client (the TypeScript SDK, 16 sessions)
 * offers about 500 calls/s to the packaged gateway, which is killed with SIGKILL mid-load. After a
 * restart, every call the client saw answered has its durable audit record (0 lost) and {@code
 * audit verify} reports the log intact. It asserts durability, not time.
 */
class BusyDiskCrashIT {
    @Test
    void item3_killedMidLoadOnABusyDiskNoAnsweredCallIsLost() throws Exception {
        // under the clone's target/ (not /tmp, often a tmpfs): the disk the writer keeps busy
        Path dir = Path.of("target", "busy-disk-crash", UUID.randomUUID().toString()).toAbsolutePath();
        Files.createDirectories(dir);
        Path config = dir.resolve("crash.yaml");
        String java = ProcessHandle.current().info().command().orElse("java");
        Files.writeString(config, """
                server:
                  host: 127.0.0.1
                  port: 0
                  data_dir: data
                upstreams:
                  demo:
                    command: ["%s", "-cp", "%s", "io.portcullis.demo.DemoServer"]
                audit:
                  checkpoint_every: 200
                catalog: {unlisted: allow}
                readiness: {gate: {enforce: false}}   # about the audit log, not the G1 gate
                """.formatted(java, Peers.JAR.toAbsolutePath()));
        Path busyFile = dir.resolve("busy.bin");
        // the busy disk: 64 MiB written and fsynced again and again on the data directory's disk, for at most 900 s (stopped by PID when the test ends)
        Process busy = new ProcessBuilder("timeout", "900", "sh", "-c",
                "while :; do dd if=/dev/zero of='" + busyFile + "' bs=1M count=64 conv=fsync status=none; done")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        Process gateway = null;
        Process client = null;
        try {
            Eventually.eventually(Duration.ofSeconds(30),
                    () -> assertThat(Files.exists(busyFile) && Files.size(busyFile) > 0).as("the disk writer writes").isTrue());
            gateway = Peers.portcullis("serve", "--config", config.toString()).start();
            String url = AuditCrashIT.awaitListening(gateway, 300);
            client = Peers.node("test-support/audit-client.mjs", "load", url + "/mcp", "16", "busy", "500")
                    .redirectErrorStream(true).start();
            Process c = client;
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("answered ")) {
                            answered.add(line.substring("answered ".length()));
                        }
                    }
                } catch (Exception ignored) {
                    // the client died with the gateway
                }
            });
            Eventually.eventually(Duration.ofSeconds(300),
                    () -> assertThat(answered.size()).as("calls answered before the kill").isGreaterThanOrEqualTo(2500));
            assertThat(busy.isAlive()).as("the disk was still busy when the gateway was killed").isTrue();
            List<ProcessHandle> upstreams = gateway.descendants().toList();
            gateway.destroyForcibly(); // SIGKILL mid-load: no shutdown hook, no final checkpoint
            gateway.waitFor(10, TimeUnit.SECONDS);
            upstreams.forEach(ProcessHandle::destroyForcibly);
            client.waitFor(20, TimeUnit.SECONDS);
            client.destroyForcibly();
            reader.join(5000);
        } finally {
            stop(gateway);
            stop(client);
            stop(busy); // by its PID, with its dd
            Files.deleteIfExists(busyFile);
        }
        Set<String> seenAnswered = new HashSet<>(answered);

        Process again = Peers.portcullis("serve", "--config", config.toString()).start();
        try {
            String url = AuditCrashIT.awaitListening(again, 300);
            Peers.Run more = Peers.run(Peers.node("test-support/audit-client.mjs", "trace", url + "/mcp",
                    "00-99999999999999999999999999999998-00f067aa0ba902b7-01", "after-busy-restart"), 300);
            assertThat(more.out()).contains("demo__search_tickets");
        } finally {
            List<ProcessHandle> kids = again.descendants().toList();
            again.destroy();
            again.waitFor(20, TimeUnit.SECONDS);
            kids.forEach(ProcessHandle::destroyForcibly);
            again.destroyForcibly();
        }

        Peers.Run verify = Peers.run(Peers.portcullis("audit", "verify", "--config", config.toString()), 300);
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("audit log INTACT");
        Peers.Run export = Peers.run(Peers.portcullis("audit", "export", "--config", config.toString(), "--kind", "call"), 300);
        assertThat(export.code()).isZero();
        Set<String> recorded = new HashSet<>();
        for (String line : export.out().lines().toList()) {
            JsonNode r = Json.parse(line);
            if ("allowed".equals(r.path("decision").path("outcome").asString())) {
                recorded.add(r.path("arguments").path("message").asString(r.path("arguments").path("title").asString("")));
            }
        }
        Set<String> missing = new HashSet<>(seenAnswered);
        missing.removeAll(recorded);
        assertThat(missing).as("answered calls without a durable record (of " + seenAnswered.size() + ")").isEmpty();
        assertThat(recorded).contains("Follow-up on login timeouts"); // the chain goes on after the restart
    }

    private static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        List<ProcessHandle> kids = p.descendants().toList();
        p.destroyForcibly();
        kids.forEach(ProcessHandle::destroyForcibly);
        p.waitFor(10, TimeUnit.SECONDS);
    }
}
