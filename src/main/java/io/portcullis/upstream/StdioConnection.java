package io.portcullis.upstream;

import io.portcullis.config.UpstreamConfig;
import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A child process speaking newline-delimited JSON-RPC on stdin/stdout. Its stderr goes to the
 * gateway's log; it is destroyed (with its descendants) when the connection closes, and a JVM
 * shutdown hook makes sure it dies with the gateway.
 */
final class StdioConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(StdioConnection.class);
    private static final io.portcullis.logging.Repeats REPEATS = new io.portcullis.logging.Repeats(java.time.Duration.ofSeconds(10));

    private final UpstreamConfig config;
    private Process process;
    private OutputStream stdin;
    private Thread hook;
    private volatile boolean closing;

    StdioConnection(UpstreamConfig config) {
        this.config = config;
    }

    @Override
    public void open(Sink sink) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(config.command());
        pb.environment().putAll(config.env());
        if (config.cwd() != null) {
            pb.directory(config.cwd().toFile());
        }
        pb.redirectErrorStream(false);
        process = pb.start();
        stdin = process.getOutputStream();
        Process p = process;
        hook = new Thread(() -> kill(p), "kill-" + config.name());
        Runtime.getRuntime().addShutdownHook(hook);
        Logger upstreamLog = LoggerFactory.getLogger("upstream." + config.name());
        // Both readers are platform threads: a read on a pipe blocks in the kernel, and on a
        // virtual thread every such read makes the scheduler compensate with a spare carrier,
        // several context switches per message (measured with bench/).
        Thread.ofPlatform().daemon().name("stderr-" + config.name()).start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    upstreamLog.info("{}", line);
                }
            } catch (IOException ignored) {
                // the process is gone; the stdout reader reports it
            }
        });
        Thread.ofPlatform().daemon().name("stdout-" + config.name()).start(() -> {
            String why = "exited";
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode msg;
                    try {
                        msg = Json.parse(line);
                    } catch (JacksonException e) {
                        String shown = abbreviate(line);
                        // #21 item 9: one line per upstream and interval, not one per garbage line
                        REPEATS.log("not json " + config.name(), more -> LOG.warn(
                                "upstream {} wrote a line that is not JSON; ignored: {}{}", config.name(), shown, more));
                        continue;
                    }
                    if (msg instanceof ObjectNode o) {
                        sink.receive(o, null);
                    } else {
                        String shown = abbreviate(line);
                        REPEATS.log("not a message " + config.name(), more -> LOG.warn(
                                "upstream {} wrote JSON that is not a message object; ignored: {}{}", config.name(), shown, more));
                    }
                }
            } catch (IOException e) {
                why = "stdout failed: " + e.getMessage();
            }
            if (!closing) {
                try {
                    if (p.waitFor(2, TimeUnit.SECONDS)) {
                        why = "exited with status " + p.exitValue();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sink.closed(why);
            }
        });
    }

    @Override
    public void send(ObjectNode message, Long requestId) throws IOException {
        byte[] bytes = Json.bytes(message);
        synchronized (this) {
            if (stdin == null) {
                throw new IOException("not open");
            }
            stdin.write(bytes);
            stdin.write('\n');
            stdin.flush();
        }
    }

    @Override
    public void close() {
        closing = true;
        if (process != null) {
            kill(process);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** At most 200 characters, control characters escaped: the log gets a description, not the raw bytes (#21 item 9). */
    private static String abbreviate(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.chars().forEach(c -> b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.toString();
    }
}
