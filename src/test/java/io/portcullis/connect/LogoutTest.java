package io.portcullis.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.oauthclient.Tokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #17 item 3 (C1.x client side, docs/identity.md "tokens at rest"): {@code portcullis connect URL --logout}
 * deletes the cached token file (written 0600) and says so; with no file it says there is nothing to
 * remove and exits 0; a cache it cannot delete is an error message and exit 1, never a stack trace.
 * Run as the real command line in a child JVM (no network: --logout never contacts the gateway).
 */
class LogoutTest {
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final String URL = "http://127.0.0.1:9/mcp";

    @TempDir
    Path home;

    record Run(int code, String stdout, String stderr) {}

    Run connect(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
                "io.portcullis.cli.Main", "connect"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(home.resolve("out.txt").toFile())
                .redirectError(home.resolve("err.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("connect --logout ends").isTrue();
        return new Run(p.exitValue(), Files.readString(home.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(home.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    static Tokens tokens() {
        return new Tokens("at-SECRET-1", "rt-SECRET-2", Instant.now().plusSeconds(600), "http://127.0.0.1:9/token", "client",
                null, "none", URL, "mcp");
    }

    @Test
    void logoutDeletesTheDefaultTokenFileAndSaysSoThenSaysThereIsNothingToRemove() throws Exception {
        Path cache = home.resolve(".config/portcullis/tokens/127.0.0.1_9_mcp.json");
        TokenFile.write(cache, tokens());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rw-------");

        Run first = connect(URL, "--logout");
        assertThat(first.code()).as(first.stderr()).isZero();
        assertThat(cache).doesNotExist();
        assertThat(first.stderr()).contains("deleted the cached tokens " + cache);
        assertThat(first.stdout()).as("stdout carries MCP messages only").isEmpty();

        Run again = connect(URL, "--logout");
        assertThat(again.code()).as(again.stderr()).isZero();
        assertThat(again.stderr()).contains("no cached tokens at " + cache + ", nothing to remove").doesNotContain("deleted");
    }

    @Test
    void logoutOfAChosenCacheLeavesOtherServersTokensAlone() throws Exception {
        Path mine = home.resolve("mine.json");
        Path other = home.resolve(".config/portcullis/tokens/127.0.0.1_9_mcp.json");
        TokenFile.write(mine, tokens());
        TokenFile.write(other, tokens());
        Run r = connect(URL, "--logout", "--token-cache", mine.toString());
        assertThat(r.code()).as(r.stderr()).isZero();
        assertThat(mine).doesNotExist();
        assertThat(other).exists();
        assertThat(r.stderr()).contains("deleted the cached tokens " + mine);
    }

    @Test
    void aCacheThatIsADirectoryIsNeverDeletedAndIsAnErrorNotAStackTrace() throws Exception {
        Path full = home.resolve("cache-is-a-dir");
        Files.createDirectories(full.resolve("inside"));
        Path empty = Files.createDirectories(home.resolve("empty-dir"));
        for (Path dir : new Path[] {full, empty}) {
            Run r = connect(URL, "--logout", "--token-cache", dir.toString());
            assertThat(r.code()).as(r.stderr()).isEqualTo(1);
            assertThat(r.stderr()).contains("portcullis connect: cannot delete the cached tokens " + dir + ": it is a directory")
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(dir).as("an empty directory too: --logout deletes token files only").isDirectory();
        }
    }
}
