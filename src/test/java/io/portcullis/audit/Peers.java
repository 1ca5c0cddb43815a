package io.portcullis.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the project's real peers from an integration test: Node (the npm MCP clients) and the packaged CLI. */
final class Peers {
    static final Path ROOT = Path.of(System.getProperty("portcullis.root", "."));
    static final Path JAR = Path.of(System.getProperty("portcullis.jar", "target/portcullis-0.1.0-SNAPSHOT.jar"));

    /** What a finished process printed and its exit code. */
    record Run(int code, String out, String err) {}

    private Peers() {}

    static ProcessBuilder node(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("node_modules/.bin/node").toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(ROOT.toFile());
    }

    static ProcessBuilder portcullis(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(ROOT.toFile());
    }

    /** Runs to completion (killing it after {@code seconds}) and collects its output. */
    static Run run(ProcessBuilder pb, int seconds) throws IOException, InterruptedException {
        Process p = pb.start();
        try {
            var out = p.getInputStream();
            var err = p.getErrorStream();
            var errText = new StringBuilder();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    errText.append(new String(err.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // process gone
                }
            });
            String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out: " + pb.command());
            }
            t.join();
            return new Run(p.exitValue(), outText, errText.toString());
        } finally {
            p.destroyForcibly();
        }
    }
}
