package io.portcullis.identity;

import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code java -jar portcullis.jar connect ...} as a child process, driven with raw newline JSON-RPC. */
final class ConnectProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("portcullis.jar", "target/portcullis-0.1.0-SNAPSHOT.jar"));
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuffer stderr = new StringBuffer();

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString(), "connect"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    ConnectProcess(String... args) throws IOException {
        process = new ProcessBuilder(command(args)).start();
        stdin = process.getOutputStream();
        Thread.ofVirtual().start(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true));
        Thread.ofVirtual().start(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false));
    }

    private void pump(BufferedReader r, boolean out) {
        try {
            String l;
            while ((l = r.readLine()) != null) {
                if (out) {
                    lines.add(l);
                } else {
                    stderr.append(l).append('\n');
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    void send(ObjectNode message) throws IOException {
        stdin.write(Json.bytes(message));
        stdin.write('\n');
        stdin.flush();
    }

    /** The next line on stdout as JSON; fails after {@code seconds}. */
    JsonNode next(int seconds) throws InterruptedException {
        String l = null;
        for (int waited = 0; l == null && waited < seconds; waited++) {
            l = lines.poll(1, TimeUnit.SECONDS);
            if (l == null && !process.isAlive()) {
                l = lines.poll(1, TimeUnit.SECONDS);
                if (l == null) {
                    throw new AssertionError("connect exited (" + process.exitValue() + "); its stderr:\n" + stderr);
                }
            }
        }
        if (l == null) {
            throw new AssertionError("no answer from connect within " + seconds + "s; its stderr:\n" + stderr);
        }
        return Json.parse(l);
    }

    /** initialize, then notifications/initialized; returns the initialize answer. */
    JsonNode initialize() throws Exception {
        ObjectNode init = GatewayUnderTest.request(1, "initialize");
        ObjectNode p = init.putObject("params").put("protocolVersion", "2025-06-18");
        p.putObject("capabilities");
        p.putObject("clientInfo").put("name", "raw-java-client").put("version", "1");
        send(init);
        JsonNode answer = next(60);
        send(io.portcullis.protocol.Json.object().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
        return answer;
    }

    JsonNode echo(int id, String message) throws Exception {
        ObjectNode call = GatewayUnderTest.request(id, "tools/call");
        call.putObject("params").put("name", "demo__echo").putObject("arguments").put("message", message);
        send(call);
        return next(60);
    }

    /** Closes stdin and waits for the process to end (connect ends its session and exits). */
    int finish() throws Exception {
        stdin.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("connect did not exit after stdin closed");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
