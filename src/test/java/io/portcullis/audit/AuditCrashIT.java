package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.time.Duration;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * C4.2 crash test: the packaged gateway runs as a child process ({@code java -jar portcullis.jar
 * serve}) while a real client (the TypeScript SDK, 32 sessions) calls tools as fast as it can; the
 * gateway is killed with SIGKILL mid-load. After a restart, {@code audit verify} passes, the chain
 * continues, and every call the client saw answered has its durable record.
 */
class AuditCrashIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)/mcp");

    @TempDir
    Path dir;

    @Test
    void killedMidLoadEveryAnsweredCallIsRecordedAndTheLogVerifies() throws Exception {
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
                """.formatted(java, Peers.JAR));
        Set<String> answered = ConcurrentHashMap.newKeySet();
        Process gateway = Peers.portcullis("serve", "--config", config.toString()).start();
        Process client = null;
        try {
            String url = awaitListening(gateway);
            client = Peers.node("test-support/audit-client.mjs", "load", url + "/mcp", "32", "crash").redirectErrorStream(true).start();
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
            Eventually.eventually(Duration.ofSeconds(60),
                    () -> assertThat(answered.size()).as("calls answered before the kill").isGreaterThanOrEqualTo(2000));
            List<ProcessHandle> upstreams = gateway.descendants().toList();
            gateway.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint, queued records lost
            gateway.waitFor(10, TimeUnit.SECONDS);
            upstreams.forEach(ProcessHandle::destroyForcibly);
            client.waitFor(20, TimeUnit.SECONDS);
            client.destroyForcibly();
            reader.join(5000);
        } finally {
            gateway.descendants().forEach(ProcessHandle::destroyForcibly);
            gateway.destroyForcibly();
            if (client != null) {
                client.destroyForcibly();
            }
        }
        Set<String> seenAnswered = new HashSet<>(answered);

        // restart on the same store; the chain must continue where the killed process left it
        Process again = Peers.portcullis("serve", "--config", config.toString()).start();
        try {
            String url = awaitListening(again);
            Peers.Run more = Peers.run(Peers.node("test-support/audit-client.mjs", "trace", url + "/mcp",
                    "00-99999999999999999999999999999999-00f067aa0ba902b7-01", "after-restart"), 60);
            assertThat(more.out()).contains("demo__search_tickets");
        } finally {
            List<ProcessHandle> kids = again.descendants().toList();
            again.destroy(); // SIGTERM: a clean stop this time
            again.waitFor(20, TimeUnit.SECONDS);
            kids.forEach(ProcessHandle::destroyForcibly);
            again.destroyForcibly();
        }

        Peers.Run verify = Peers.run(Peers.portcullis("audit", "verify", "--config", config.toString()), 120);
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("audit log INTACT");

        Peers.Run export = Peers.run(Peers.portcullis("audit", "export", "--config", config.toString(), "--kind", "call"), 120);
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
        assertThat(recorded).contains("Follow-up on login timeouts"); // a call after the restart, chained on
    }

    private static void drain(java.io.Reader r) {
        Thread.ofVirtual().start(() -> {
            try {
                r.transferTo(java.io.Writer.nullWriter());
            } catch (Exception ignored) {
                // process gone
            }
        });
    }

    private static void drain(java.io.InputStream in) {
        drain(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    static String awaitListening(Process p) throws Exception {
        return awaitListening(p, 60);
    }

    /** The gateway's URL once it says it listens, waiting up to {@code seconds} (a busy machine starts slower). */
    static String awaitListening(Process p, int seconds) throws Exception {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String line;
        while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                drain(err);
                drain(p.getInputStream());
                return m.group(1);
            }
        }
        throw new IllegalStateException("the gateway did not start:\n" + seen);
    }
}
