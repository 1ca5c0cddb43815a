package io.portcullis.it.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import io.portcullis.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real gateway as its own process: {@code java -jar portcullis.jar serve --config F --port 0}
 * with the peer environment (node_modules/.bin on PATH). It is ready once the banner names the
 * bound port (the banner comes after the upstreams are up, or after 20 s if they are not) and
 * {@code /healthz} answers. {@link #close()} stops it and every process it started.
 */
public final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Portcullis is listening on http://127\\.0\\.0\\.1:(\\d+)/mcp");
    /** Generous: on a loaded 2-core machine a start was seen to take over 90 s (ClusterIT restarts nodes several times). */
    private static final Duration STARTUP = Duration.ofSeconds(180);

    private final Process process;
    private final Path log;
    private final int port;

    private GatewayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the gateway on a config file that already exists (e.g. one of examples/). */
    public static GatewayProcess start(Path config, Path workDir) {
        return start(config, workDir, Map.of());
    }

    /** {@link #start(Path, Path)} with extra environment variables for the gateway process. */
    public static GatewayProcess start(Path config, Path workDir, Map<String, String> extraEnv) {
        return start(config, workDir, extraEnv, 0);
    }

    /** {@link #start(Path, Path, Map)} on a given port (0: any free one), e.g. a node behind a load balancer that restarts. */
    public static GatewayProcess start(Path config, Path workDir, Map<String, String> extraEnv, int listenPort) {
        try {
            Files.createDirectories(workDir);
            Path log = workDir.resolve("gateway-" + System.nanoTime() + ".log");
            ProcessBuilder pb = new ProcessBuilder(List.of(Peers.java().toString(), "--enable-native-access=ALL-UNNAMED",
                    "-jar", Peers.jar().toString(), "serve", "--config", config.toString(), "--port", String.valueOf(listenPort)))
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            Peers.environment(pb.environment(), Files.createDirectories(workDir.resolve("home")));
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            int port;
            try {
                port = awaitPort(p, log);
                awaitHealthy(port);
            } catch (RuntimeException | Error e) {
                Peers.killTree(p);
                throw e;
            }
            return new GatewayProcess(p, log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code yaml} to {@code workDir/portcullis.yaml} and starts the gateway on it. */
    public static GatewayProcess start(String yaml, Path workDir) {
        return start(yaml, workDir, Map.of());
    }

    /** {@link #start(String, Path)} with extra environment variables for the gateway process. */
    public static GatewayProcess start(String yaml, Path workDir, Map<String, String> extraEnv) {
        try {
            Files.createDirectories(workDir);
            Path config = workDir.resolve("portcullis.yaml");
            Files.writeString(config, io.portcullis.it.TestGateway.openCatalog(yaml));
            return start(config, workDir, extraEnv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int awaitPort(Process p, Path log) {
        try {
            return Eventually.eventually(STARTUP, () -> {
                String text = read(log);
                Matcher m = LISTENING.matcher(text);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
                if (!p.isAlive()) {
                    throw new AssertionError("the gateway exited with status " + p.exitValue() + " before listening:\n" + text);
                }
                return null;
            }, port -> port != null);
        } catch (AssertionError e) {
            if (e.getMessage().startsWith("the gateway exited")) {
                throw e;
            }
            throw new AssertionError("the gateway printed no banner within " + STARTUP + ":\n" + read(log), e);
        }
    }

    private static void awaitHealthy(int port) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(5)).build();
        // IOException: not accepting yet
        Eventually.eventually(Duration.ofSeconds(10), "/healthz of the gateway on port " + port + " answers 200",
                () -> http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /**
     * Waits (up to 30 s) until {@code tools/list} offers every one of {@code tools}. Upstreams such
     * as server-everything register some tools only after initialization (those depending on the
     * client's capabilities) and announce them with list_changed, which the gateway applies shortly
     * after the upstream is ready: a test of those tools must not race that refresh.
     */
    public GatewayProcess awaitTools(String... tools) {
        io.portcullis.it.WireClient client = new io.portcullis.it.WireClient(java.net.URI.create(url()));
        java.util.List<String> wanted = java.util.List.of(tools);
        try {
            Eventually.eventually(Duration.ofSeconds(30), () -> io.portcullis.it.LegacySession.names(
                    io.portcullis.it.LegacySession.open(client, "2025-11-25").request("tools/list", null).path("result").path("tools")),
                    listed -> listed.containsAll(wanted));
        } catch (AssertionError e) {
            // a caller that writes `gateway = start(...).awaitTools(...)` never gets this gateway to close when it
            // fails here: it is stopped now, or it outlives the test (seen: a failed @BeforeAll left one running)
            close();
            throw new AssertionError("tools " + wanted + " never listed", e);
        }
        return this;
    }

    /** The MCP endpoint of the default environment. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    public int port() {
        return port;
    }

    /** Everything the gateway has logged so far (its own log lines and its stdio upstreams' stderr). */
    public String log() {
        return read(log);
    }

    /** Sends SIGTERM to the gateway process this object started (by its handle, never by name). */
    public void terminate() {
        process.destroy();
    }

    /** {@code kill -9} of the gateway process this object started (by its handle), then of the upstreams it had started. */
    public void kill() {
        List<ProcessHandle> upstreams = process.descendants().toList();
        process.destroyForcibly();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        upstreams.forEach(ProcessHandle::destroyForcibly);
    }

    /** Waits up to {@code limit} for the process to exit; returns its exit code. */
    public int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the gateway did not exit within " + limit + "; log:\n" + log());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        Peers.killTree(process);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
