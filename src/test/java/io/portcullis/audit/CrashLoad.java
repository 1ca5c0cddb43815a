package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The steps the C4.2 crash tests share ({@link AuditCrashIT}, {@link BusyDiskCrashIT}): the packaged
 * gateway's config, the client's "answered" lines, the SIGKILL mid-load, the restart that must chain
 * on, and the check that every answered call has its durable record in a log that verifies.
 */
final class CrashLoad {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)/mcp");

    private CrashLoad() {
    }

    /** Writes {@code crash.yaml} in {@code dir}: the demo upstream, a checkpoint every 200 records. */
    static Path writeConfig(Path dir) throws Exception {
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
        return config;
    }

    /** Reads the load client's output on a virtual thread, adding each {@code answered <x>} to {@code answered}. */
    static Thread collectAnswered(Process client, Set<String> answered) {
        return Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
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
    }

    /** SIGKILL mid-load: no shutdown hook, no final checkpoint, queued records lost; then the client ends. */
    static void killMidLoad(Process gateway, Process client, Thread reader) throws InterruptedException {
        List<ProcessHandle> upstreams = gateway.descendants().toList();
        gateway.destroyForcibly();
        gateway.waitFor(10, TimeUnit.SECONDS);
        upstreams.forEach(ProcessHandle::destroyForcibly);
        client.waitFor(20, TimeUnit.SECONDS);
        client.destroyForcibly();
        reader.join(5000);
    }

    /** Restarts on the same store, makes one traced call tagged {@code tag}, then stops cleanly (SIGTERM). */
    static void restartAndCall(Path config, int seconds, String traceparent, String tag) throws Exception {
        Process again = Peers.portcullis("serve", "--config", config.toString()).start();
        try {
            String url = awaitListening(again, seconds);
            Peers.Run more = Peers.run(Peers.node("test-support/audit-client.mjs", "trace", url + "/mcp", traceparent, tag), seconds);
            assertThat(more.out()).contains("demo__search_tickets");
        } finally {
            List<ProcessHandle> kids = again.descendants().toList();
            again.destroy(); // SIGTERM: a clean stop this time
            again.waitFor(20, TimeUnit.SECONDS);
            kids.forEach(ProcessHandle::destroyForcibly);
            again.destroyForcibly();
        }
    }

    /** {@code audit verify} passes and every call in {@code answered} has its allowed record, as has the call after the restart. */
    static void assertEveryAnsweredCallRecorded(Path config, Set<String> answered, int seconds) throws Exception {
        Peers.Run verify = Peers.run(Peers.portcullis("audit", "verify", "--config", config.toString()), seconds);
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("audit log INTACT");
        Peers.Run export = Peers.run(Peers.portcullis("audit", "export", "--config", config.toString(), "--kind", "call"), seconds);
        assertThat(export.code()).isZero();
        Set<String> recorded = new HashSet<>();
        for (String line : export.out().lines().toList()) {
            JsonNode r = Json.parse(line);
            if ("allowed".equals(r.path("decision").path("outcome").asString())) {
                recorded.add(r.path("arguments").path("message").asString(r.path("arguments").path("title").asString("")));
            }
        }
        Set<String> missing = new HashSet<>(answered);
        missing.removeAll(recorded);
        assertThat(missing).as("answered calls without a durable record (of " + answered.size() + ")").isEmpty();
        assertThat(recorded).contains("Follow-up on login timeouts"); // a call after the restart, chained on
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
                drain(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                return m.group(1);
            }
        }
        throw new IllegalStateException("the gateway did not start:\n" + seen);
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
}
