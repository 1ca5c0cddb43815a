package io.portcullis.it.peers;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Where the real peers live (the npm packages pinned in package-lock.json, the built gateway jar)
 * and how to run them as child processes. Failsafe sets {@code portcullis.root} and
 * {@code portcullis.jar}; both fall back to the working directory for runs from an IDE.
 */
public final class Peers {
    private Peers() {}

    public static Path root() {
        return Path.of(System.getProperty("portcullis.root", ".")).toAbsolutePath().normalize();
    }

    /** The shaded gateway jar that {@code mvn package} built. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("portcullis.jar",
                root().resolve("target/portcullis-0.1.0-SNAPSHOT.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the gateway jar " + jar + " is missing: run mvn package (or ./run-tests)");
        }
        return jar;
    }

    /** A fresh directory for one test class under target/it-peers (kept after the run: logs are there). */
    public static Path workDir(Class<?> test) {
        Path dir = root().resolve("target/it-peers").resolve(test.getSimpleName());
        try {
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies examples/ (the configs and the filesystem sandbox) into {@code dir}/examples, so that a
     * test runs an example exactly as shipped while its data directory stays out of the source tree.
     */
    public static Path copyExamples(Path dir) {
        Path from = root().resolve("examples");
        Path to = dir.resolve("examples");
        try (var walk = Files.walk(from)) {
            for (Path p : walk.filter(p -> !from.relativize(p).startsWith("data")).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A program from node_modules/.bin, e.g. {@code mcp-inspector}; Node 22 itself is {@code node}. */
    public static Path bin(String name) {
        Path p = root().resolve("node_modules/.bin").resolve(name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing: run npm ci (./run-tests does)");
        }
        return p;
    }

    public static Path node() {
        return bin("node");
    }

    /** The java of the JVM running the tests (a JDK 21+ under Maven), used to run the gateway jar. */
    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago (for peers that cannot report the one they bound). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sets up a child's environment: node_modules/.bin first on PATH (so {@code node} is Node 22 and
     * the {@code mcp-server-*} commands resolve), and HOME in {@code home} (the Inspector keeps state there).
     */
    static void environment(Map<String, String> env, Path home) {
        env.put("PATH", root().resolve("node_modules/.bin") + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
        env.put("HOME", home.toString());
        env.put("npm_config_update_notifier", "false");
        env.put("NO_COLOR", "1");
    }

    /** What a finished program left behind. */
    public record Result(int exit, String stdout, String stderr) {
        /** The last stdout line that is a JSON object (programs may print banners before it). */
        public JsonNode json() {
            List<String> lines = stdout.lines().filter(l -> l.startsWith("{")).toList();
            if (lines.isEmpty()) {
                throw new AssertionError("no JSON on stdout (exit " + exit + ")\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return Json.parse(lines.getLast());
        }

        /** Asserts exit 0 and returns the JSON. */
        public JsonNode ok() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return json();
        }
    }

    /**
     * Runs a program to completion with the peer environment; on timeout its whole process tree is
     * killed and an {@link AssertionError} says so.
     */
    public static Result run(List<String> command, Path workDir, Duration timeout) {
        return run(command, workDir, timeout, Map.of());
    }

    /** {@link #run(List, Path, Duration)} with extra environment variables for the program. */
    public static Result run(List<String> command, Path workDir, Duration timeout, Map<String, String> extraEnv) {
        try {
            Path home = Files.createDirectories(workDir.resolve("home"));
            Path out = Files.createTempFile(workDir, "stdout", ".txt");
            Path err = Files.createTempFile(workDir, "stderr", ".txt");
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            environment(pb.environment(), home);
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p);
                throw new AssertionError(command + " did not finish within " + timeout + "\nstdout: "
                        + Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Runs a client script from src/test/resources/clients with Node 22. */
    public static Result nodeScript(String script, Path workDir, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(node().toString(),
                root().resolve("src/test/resources/clients").resolve(script).toString()));
        cmd.addAll(List.of(args));
        return run(cmd, workDir, timeout);
    }

    /** Stops a process and everything it started: politely first, then by force. */
    static void killTree(Process p) {
        List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        for (ProcessHandle h : family) {
            if (h.isAlive()) {
                h.destroy();
            }
        }
        for (ProcessHandle h : family) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }
}
