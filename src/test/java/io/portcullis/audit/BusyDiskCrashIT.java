package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Eventually;
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
        Path config = CrashLoad.writeConfig(dir);
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
            String url = CrashLoad.awaitListening(gateway, 300);
            client = Peers.node("test-support/audit-client.mjs", "load", url + "/mcp", "16", "busy", "500")
                    .redirectErrorStream(true).start();
            Thread reader = CrashLoad.collectAnswered(client, answered);
            Eventually.eventually(Duration.ofSeconds(300),
                    () -> assertThat(answered.size()).as("calls answered before the kill").isGreaterThanOrEqualTo(2500));
            assertThat(busy.isAlive()).as("the disk was still busy when the gateway was killed").isTrue();
            CrashLoad.killMidLoad(gateway, client, reader); // SIGKILL mid-load: no shutdown hook, no final checkpoint
        } finally {
            stop(gateway);
            stop(client);
            stop(busy); // by its PID, with its dd
            Files.deleteIfExists(busyFile);
        }
        Set<String> seenAnswered = new HashSet<>(answered);

        CrashLoad.restartAndCall(config, 300, "00-99999999999999999999999999999998-00f067aa0ba902b7-01", "after-busy-restart");
        CrashLoad.assertEveryAnsweredCallRecorded(config, seenAnswered, 300); // the chain goes on after the restart
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
