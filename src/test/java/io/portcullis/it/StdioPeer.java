package io.portcullis.it;

import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A child process spoken to in newline-delimited JSON-RPC (an MCP stdio server, or
 * {@code portcullis stdio}). stdout lines are queued as they come; stderr is kept for failure
 * messages. {@link #close()} kills the process and its descendants.
 */
public final class StdioPeer implements AutoCloseable {
    private static final String END = "\u0000end";

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();

    public StdioPeer(List<String> command, Path workDir) throws IOException {
        process = new ProcessBuilder(command).directory(workDir.toFile()).start();
        stdin = process.getOutputStream();
        Thread.ofVirtual().start(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true));
        Thread.ofVirtual().start(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false));
    }

    private void pump(BufferedReader in, boolean out) {
        try (in) {
            String line;
            while ((line = in.readLine()) != null) {
                if (out) {
                    lines.add(line);
                } else {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        } finally {
            if (out) {
                lines.add(END);
            }
        }
    }

    /** Writes one line (a JSON message, or anything else to test garbage). */
    public void sendLine(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Writes raw bytes as they are (hostile input: invalid UTF-8, a line without its end). */
    public void sendBytes(byte[] bytes) throws IOException {
        stdin.write(bytes);
        stdin.flush();
    }

    public void send(JsonNode message) throws IOException {
        sendLine(Json.write(message));
    }

    /** The next stdout line within 60 s (startup included); fails the test otherwise. */
    public String nextLine() throws InterruptedException {
        String l = lines.poll(60, TimeUnit.SECONDS);
        if (l == null || l.equals(END)) {
            lines.add(END);
            throw new AssertionError("no more output from " + process.info().commandLine().orElse("the process")
                    + "; stderr:\n" + stderr);
        }
        return l;
    }

    public ObjectNode next() throws InterruptedException {
        return (ObjectNode) Json.parse(nextLine());
    }

    /** The next message that is a response (skipping notifications and requests). */
    public ObjectNode nextResponse() throws InterruptedException {
        while (true) {
            ObjectNode m = next();
            if (!m.has("method")) {
                return m;
            }
        }
    }

    /** Closes stdin and waits for the process to exit; returns its exit code. */
    public int closeInputAndWait(Duration wait) throws IOException, InterruptedException {
        stdin.close();
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the process did not exit after stdin closed; stderr:\n" + stderr);
        }
        return process.exitValue();
    }

    public String stderr() {
        return stderr.toString();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
