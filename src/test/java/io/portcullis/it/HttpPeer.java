package io.portcullis.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An MCP server over Streamable HTTP run as a child process on a free loopback port (e.g.
 * server-everything with the loopback preload). Waits until the port accepts connections;
 * {@link #close()} kills the process and its descendants.
 */
public final class HttpPeer implements AutoCloseable {
    private final List<String> command;
    private final Map<String, String> env;
    private final Path workDir;
    private final int port;
    private Process process;

    private HttpPeer(List<String> command, Map<String, String> env, Path workDir, int port) {
        this.command = command;
        this.env = env;
        this.workDir = workDir;
        this.port = port;
    }

    /**
     * Starts {@code command} on a free port, given as the environment variable PORT and in place of
     * every {@code {port}} argument, and waits for it to listen.
     */
    public static HttpPeer start(List<String> command, Map<String, String> env, Path workDir) throws Exception {
        HttpPeer peer = new HttpPeer(command, env, workDir, freePort());
        peer.launch();
        return peer;
    }

    /** Starts the same server again on the same port (after {@link #close()}). */
    public void restart() throws Exception {
        launch();
    }

    private void launch() throws Exception {
        List<String> cmd = command.stream().map(a -> a.replace("{port}", Integer.toString(port))).toList();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        pb.environment().put("PORT", Integer.toString(port));
        process = pb.start();
        try {
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(30), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("exited with " + process.exitValue() + ": " + cmd);
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200); // IOException: not listening yet
                }
            });
        } catch (AssertionError e) {
            close();
            throw new IllegalStateException("never listened on " + port + ": " + cmd, e);
        }
    }

    /** server-everything's Streamable HTTP transport, held on loopback by test-support/loopback.cjs. */
    public static HttpPeer everything() throws Exception {
        Path root = NpmPeers.root();
        return start(List.of(NpmPeers.node().toString(), "--require", root.resolve("test-support/loopback.cjs").toString(),
                NpmPeers.bin("mcp-server-everything").toString(), "streamableHttp"), Map.of(), root);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
