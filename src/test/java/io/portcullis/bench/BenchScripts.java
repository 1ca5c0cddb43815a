package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one of the bench/ scripts the way bench/README.md documents it, for the integration tests that check its report. */
final class BenchScripts {
    /** The packaged gateway the scripts measure (BENCH_JAR). */
    static final Path JAR = Path.of(System.getProperty("portcullis.jar", "target/portcullis-0.1.0-SNAPSHOT.jar"));

    private BenchScripts() {}

    /**
     * Runs {@code bash <script>} with BENCH_JAR and {@code env} set, waits up to 10 minutes, stops
     * whatever is left of it, asserts exit status 0, and returns what it printed on stdout (the report).
     */
    static String run(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("BENCH_JAR", JAR.toAbsolutePath().toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(600, TimeUnit.SECONDS)).as(script + " finished").isTrue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
