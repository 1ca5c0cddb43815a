package io.portcullis.it.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code @modelcontextprotocol/server-everything} over Streamable HTTP, as its own process on a
 * free loopback port: {@code PORT=P node --require test-support/loopback.cjs mcp-server-everything
 * streamableHttp} (the server binds all interfaces by itself; the preload keeps it on 127.0.0.1).
 */
public final class EverythingHttp implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final int port;

    private EverythingHttp(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static EverythingHttp start(Path workDir) {
        try {
            Files.createDirectories(workDir);
            int port = Peers.freePort();
            Path log = workDir.resolve("everything-http-" + port + ".log");
            ProcessBuilder pb = new ProcessBuilder(List.of(Peers.node().toString(), "--require",
                    Peers.root().resolve("test-support/loopback.cjs").toString(),
                    Peers.bin("mcp-server-everything").toString(), "streamableHttp"))
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            Peers.environment(pb.environment(), Files.createDirectories(workDir.resolve("home")));
            pb.environment().put("PORT", Integer.toString(port));
            Process p = pb.start();
            try {
                io.portcullis.testing.Eventually.eventually(STARTUP, "server-everything listens", () -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("server-everything exited");
                    }
                    return GatewayProcess.read(log).contains("listening on port " + port);
                });
            } catch (AssertionError e) {
                Peers.killTree(p);
                throw new AssertionError("server-everything (streamableHttp) did not start:\n" + GatewayProcess.read(log), e);
            }
            return new EverythingHttp(p, log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    public String log() {
        return GatewayProcess.read(log);
    }

    @Override
    public void close() {
        Peers.killTree(process);
    }
}
