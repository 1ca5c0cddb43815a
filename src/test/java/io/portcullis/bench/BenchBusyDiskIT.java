package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * #20 item 3 (busy disk): {@code BENCH_BUSY_DISK=1 bench/run.sh}, as bench/README.md documents it,
 * measures with a disk writer beside the gateways' data directories and reports the disk's own
 * flush latency quiet and busy (FsyncProbe) and the writer; when the run ends, the writer and its
 * {@code dd} are stopped and its file is gone. It asserts the report's content and the clean-up,
 * never a latency (the figures belong to docs/performance.md).
 */
class BenchBusyDiskIT {

    @Test
    void theBusyDiskRunReportsTheDisksFloorAndStopsItsWriter() throws Exception {
        String out = BenchScripts.run("bench/run.sh", java.util.Map.ofEntries(
                java.util.Map.entry("BENCH_BUSY_DISK", "1"),
                java.util.Map.entry("BENCH_ONLY", "http-direct,portcullis-http-legacy"),
                java.util.Map.entry("BENCH_RATES", "100"),
                java.util.Map.entry("BENCH_SECONDS", "2"),
                java.util.Map.entry("BENCH_ROUNDS", "1"),
                java.util.Map.entry("BENCH_WARMUP", "1"),
                java.util.Map.entry("BENCH_PEAK_SECONDS", "1"),
                java.util.Map.entry("BENCH_NICE", "0")
        ));
        String flush = "fsync \\d+ p50 [0-9.]+ p90 [0-9.]+ p99 [0-9.]+ max [0-9.]+ ms";
        assertThat(out).containsPattern("- the data directory's disk, quiet: " + flush)
                .containsPattern("- the same disk, busy: " + flush)
                .contains("- busy disk: dd writing and fsyncing 64 MiB again and again to ")
                .contains("| portcullis-http-legacy | 100 |");
        Path busyFile = Path.of("target", "bench", "busy-disk.bin").toAbsolutePath();
        assertThat(busyFile).as("the writer's file is removed").doesNotExist();
        // the writer (timeout, its loop and the loop's dd) is stopped with the run: none of them names the file any more
        Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(busyFile.toString())).count()).isZero());
        assertThat(Files.exists(busyFile)).isFalse();
    }
}
