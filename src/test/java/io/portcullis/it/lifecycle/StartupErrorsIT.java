package io.portcullis.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.StdioPeer;
import io.portcullis.it.TestGateway;
import io.portcullis.it.peers.GatewayProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #21 item 11 and #11 item 23: a command that cannot start says so in one line naming the path (or
 * the port) and the fix, quickly, with no stack trace; {@code demo-config} copies the demo to a file
 * that runs.
 */
class StartupErrorsIT {
    /** Generous for a loaded machine, and far below the 27 s the issue measured. */
    private static final Duration QUICK = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private record Outcome(int code, String stderr, String stdout, Duration took) {
        /** The lines a user reads: what portcullis itself printed (log lines have a level). */
        List<String> ownLines() {
            return Arrays.stream(stderr.split("\n")).filter(l -> l.startsWith("portcullis:")).toList();
        }
    }

    private Outcome run(String... args) throws Exception {
        long start = System.nanoTime();
        try (StdioPeer p = new StdioPeer(JvmPeers.portcullis(args), dir)) {
            try {
                p.handle().onExit().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("did not exit within 60 s; stderr:\n" + p.stderr());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            int code = p.closeInputAndWait(Duration.ofSeconds(5));
            StringBuilder out = new StringBuilder();
            try {
                for (String l = p.nextLine(); ; l = p.nextLine()) {
                    out.append(l).append('\n');
                }
            } catch (AssertionError end) {
                // stdout ended
            }
            if (code != 0) { // the stderr reader may lag the exit
                try {
                    io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(5), "the error line was read", () -> p.stderr().contains("portcullis:"));
                } catch (AssertionError noLine) {
                    // the outcome says what stderr holds; the test's assertions name what is missing
                }
            }
            return new Outcome(code, p.stderr(), out.toString(), took);
        }
    }

    private static void assertOneClearLine(Outcome o) {
        assertThat(o.code()).as(o.stderr()).isNotZero();
        assertThat(o.ownLines()).as(o.stderr()).hasSize(1);
        assertThat(o.stderr()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(o.took()).as("fails quickly").isLessThan(QUICK);
    }

    private Path config(String yaml) throws Exception {
        Path f = dir.resolve("gw.yaml");
        Files.writeString(f, TestGateway.openCatalog(yaml));
        return f;
    }

    @Test
    void item11_anUnusableDataDirectoryIsOneLineNamingThePathAndTheFix() throws Exception {
        Files.writeString(dir.resolve("blocker"), "a file where the data directory's parent should be");
        Path f = config("""
                server: {data_dir: blocker/data}
                upstreams:
                  demo: {command: %s}
                """.formatted(TestGateway.list(JvmPeers.demo())));
        Outcome o = run("serve", "--config", f.toString(), "--port", "0");
        assertOneClearLine(o);
        assertThat(o.ownLines().get(0)).contains(dir.resolve("blocker/data").toString()).contains("server.data_dir")
                .contains("choose another path");
    }

    @Test
    void item23_aPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path f = config("""
                    server: {data_dir: data}
                    upstreams:
                      demo: {command: %s}
                    """.formatted(TestGateway.list(JvmPeers.demo())));
            Outcome o = run("serve", "--config", f.toString(), "--port", String.valueOf(taken.getLocalPort()));
            assertOneClearLine(o);
            assertThat(o.ownLines().get(0)).contains(":" + taken.getLocalPort()).contains("in use").contains("--port");
        }
    }

    @Test
    void item23_aMissingTokenFileIsOneLine() throws Exception {
        Path f = config("server: {data_dir: data}\nupstreams:\n  demo: {command: %s}\n".formatted(TestGateway.list(JvmPeers.demo())));
        Outcome o = run("approvals", "list", "--config", f.toString(), "--url", "http://127.0.0.1:9", "--token-file", "no-such-token");
        assertOneClearLine(o);
        assertThat(o.ownLines().get(0)).contains(dir.resolve("no-such-token").toString()).contains("token file")
                .contains("no such file");
    }

    @Test
    void item23_anUnwritableExportPathIsOneLine() throws Exception {
        Files.writeString(dir.resolve("blocker"), "x");
        Path f = config("server: {data_dir: data}\nupstreams:\n  demo: {command: %s}\n".formatted(TestGateway.list(JvmPeers.demo())));
        Outcome o = run("audit", "export", "--config", f.toString(), "--out", "blocker/out.jsonl");
        assertOneClearLine(o);
        assertThat(o.ownLines().get(0)).contains(dir.resolve("blocker/out.jsonl").toString()).contains("export file");
    }

    @Test
    void item23_demoConfigCopiesTheDemoToAFileThatChecks() throws Exception {
        Outcome o = run("demo-config");
        assertThat(o.code()).as(o.stderr()).isZero();
        assertThat(o.stdout()).contains("upstreams:").contains("demo__search_tickets").doesNotContain("${java}");
        Path copy = dir.resolve("demo.yaml");
        Files.writeString(copy, o.stdout());
        Outcome checked = run("check", "--config", copy.toString());
        assertThat(checked.code()).as(checked.stderr() + checked.stdout()).isZero();
    }

    @Test
    void item23_theBannerSuggestsAToolOfTheConfigItRuns() throws Exception {
        // the demo server under another name: the old banner still suggested demo__search_tickets
        try (GatewayProcess g = GatewayProcess.start("upstreams:\n  tickets: {command: %s}\n"
                .formatted(TestGateway.list(JvmPeers.demo())), dir.resolve("gw"))) {
            Matcher m = Pattern.compile("--tool-name (\\S+)").matcher(g.log());
            assertThat(m.find()).as(g.log()).isTrue();
            assertThat(m.group(1)).startsWith("tickets__");
            g.awaitTools(m.group(1));
            assertThat(g.log()).doesNotContain("demo__");
        }
    }
}
