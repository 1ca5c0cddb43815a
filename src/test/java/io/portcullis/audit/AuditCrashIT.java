package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C4.2 crash test: the packaged gateway runs as a child process ({@code java -jar portcullis.jar
 * serve}) while a real client (the TypeScript SDK, 32 sessions) calls tools as fast as it can; the
 * gateway is killed with SIGKILL mid-load. After a restart, {@code audit verify} passes, the chain
 * continues, and every call the client saw answered has its durable record.
 */
class AuditCrashIT {
    @TempDir
    Path dir;

    @Test
    void killedMidLoadEveryAnsweredCallIsRecordedAndTheLogVerifies() throws Exception {
        Path config = CrashLoad.writeConfig(dir);
        Set<String> answered = ConcurrentHashMap.newKeySet();
        Process gateway = Peers.portcullis("serve", "--config", config.toString()).start();
        Process client = null;
        try {
            String url = CrashLoad.awaitListening(gateway, 60);
            client = Peers.node("test-support/audit-client.mjs", "load", url + "/mcp", "32", "crash").redirectErrorStream(true).start();
            Thread reader = CrashLoad.collectAnswered(client, answered);
            Eventually.eventually(Duration.ofSeconds(60),
                    () -> assertThat(answered.size()).as("calls answered before the kill").isGreaterThanOrEqualTo(2000));
            CrashLoad.killMidLoad(gateway, client, reader);
        } finally {
            gateway.descendants().forEach(ProcessHandle::destroyForcibly);
            gateway.destroyForcibly();
            if (client != null) {
                client.destroyForcibly();
            }
        }
        Set<String> seenAnswered = new HashSet<>(answered);

        // restart on the same store; the chain must continue where the killed process left it
        CrashLoad.restartAndCall(config, 60, "00-99999999999999999999999999999999-00f067aa0ba902b7-01", "after-restart");
        CrashLoad.assertEveryAnsweredCallRecorded(config, seenAnswered, 120);
    }
}
