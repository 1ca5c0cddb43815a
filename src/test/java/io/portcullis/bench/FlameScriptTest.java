package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #20 item 3: the command bench/README.md documents, {@code bench/flame.sh RECORDING OUT [TITLE]}, turns a
 * real Java Flight Recording into a flame graph page with the title given, and only this project's
 * frames by default. The recording is made here, of a loop in a method of this class (so in
 * {@code io.portcullis}), with the JDK's "profile" settings as bench/run.sh's {@code BENCH_JFR} uses.
 */
class FlameScriptTest {
    @TempDir
    Path dir;

    @Test
    void aRecordingBecomesAFlameGraphWithTheTitleAndThisProjectsFrames() throws Exception {
        Path jfr = dir.resolve("busy.jfr");
        try (Recording r = new Recording(Configuration.getConfiguration("profile"))) {
            r.start();
            // two seconds of this thread's CPU, not of the clock: JFR samples running threads only, and on a
            // busy machine two seconds of wall time can hold almost no running
            var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            long until = cpu.getCurrentThreadCpuTime() + TimeUnit.SECONDS.toNanos(2);
            long n = 0;
            while (cpu.getCurrentThreadCpuTime() < until) {
                n += busyWork(n);
            }
            r.stop();
            r.dump(jfr);
            assertThat(n).isNotZero();
        }
        Path html = dir.resolve("busy.html");
        Process p = new ProcessBuilder("bash", "bench/flame.sh", jfr.toString(), html.toString(), "flame test <title>")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String page = Files.readString(html);
        // frame names are stored prefix-compressed: the method's name is in the page, its full name is not
        assertThat(page).contains("<h1>flame test title</h1>").doesNotContain("<title></h1>").contains("busyWork");
        assertThat(page).doesNotContain("runWorker"); // a pool thread's frame: no io.portcullis frame in its stacks
    }

    @Test
    void aMissingRecordingIsOneClearLine() throws Exception {
        Process p = new ProcessBuilder("bash", "bench/flame.sh", dir.resolve("none.jfr").toString(), dir.resolve("x.html").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out.strip()).startsWith("bench/flame.sh: no such recording:").doesNotContain("\n");
    }

    private static long busyWork(long seed) {
        long x = seed | 1;
        for (int i = 0; i < 10_000; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x == 0 ? 1 : (x & 1) + 1;
    }
}
