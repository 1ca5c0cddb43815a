package io.portcullis.upstream;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.JsonLines;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A child process speaking newline-delimited JSON-RPC on stdin/stdout. Its stderr goes to the
 * gateway's log (escaped); it is destroyed (with its descendants) when the connection closes, and a
 * JVM shutdown hook makes sure it dies with the gateway.
 *
 * <p>A child cannot wedge the gateway: it gets a minimal environment ({@link ChildEnvironment},
 * issue #11 item 6); its stdout is read with a bounded line length ({@link JsonLines.Reader}, issue #21
 * item 1); its stdin is written by one writer from a bounded queue ({@link Outbox}, issue #21 item
 * 3); lines that are not JSON-RPC fail the calls in flight at once and, past the tolerance, break
 * the connection ({@link Violations}, issue #11 item 21). Whatever ends the reader, even an Error,
 * is reported once; {@link #failure()} lets the supervisor see a reader that died or a child that
 * stopped reading.
 */
final class StdioConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(StdioConnection.class);
    /** How long a write may be stuck beyond the upstream's timeout before the child counts as wedged. */
    private static final long STALL_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long EXIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final UpstreamConfig config;
    private final Supplier<UpstreamConfig> live;
    private final Violations violations;
    private final AtomicBoolean reported = new AtomicBoolean();
    private Process process;
    private Outbox outbox;
    private Thread hook;
    private volatile Thread reader;
    private volatile long exitedAt;
    private volatile boolean closing;

    /**
     * @param live the upstream's current config, for the settings a reload changes in place
     *             (timeout, protocol tolerance)
     */
    StdioConnection(UpstreamConfig config, Supplier<UpstreamConfig> live) {
        this.config = config;
        this.live = live;
        this.violations = new Violations(config.name());
    }

    @Override
    public void open(Sink sink) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(config.command());
        pb.environment().clear();
        pb.environment().putAll(ChildEnvironment.of(config, System.getenv()));
        if (config.cwd() != null) {
            pb.directory(config.cwd().toFile());
        }
        pb.redirectErrorStream(false);
        process = pb.start();
        Process p = process;
        p.onExit().thenRun(() -> exitedAt = Math.max(1, System.nanoTime()));
        hook = new Thread(() -> kill(p), "kill-" + config.name());
        Runtime.getRuntime().addShutdownHook(hook);
        outbox = new Outbox(config.name(), p.getOutputStream(), why -> LOG.debug("upstream {}: {}", config.name(), why),
                sink::sent);
        StderrLog stderr = new StderrLog(config.name());
        // Both readers are platform threads: a read on a pipe blocks in the kernel, and on a
        // virtual thread every such read makes the scheduler compensate with a spare carrier,
        // several context switches per message (measured with bench/).
        Thread.ofPlatform().daemon().name("stderr-" + config.name()).start(() -> {
            try (var err = p.getErrorStream()) {
                JsonLines.Reader lines = new JsonLines.Reader(err, StderrLog.MAX_CHARS, true); // bounded: stderr is hostile too
                String line;
                while ((line = lines.next()) != null) {
                    stderr.line(line, lines.wasCut());
                }
            } catch (IOException | RuntimeException ignored) {
                // the process is gone; the stdout reader reports it
            }
        });
        reader = Thread.ofPlatform().daemon().name("stdout-" + config.name()).start(() -> read(p, sink));
    }

    /** Reads stdout until it ends or the child breaks the protocol; reports why, once, whatever happens. */
    private void read(Process p, Sink sink) {
        String why = "exited";
        boolean broken = false;
        try {
            JsonLines.Reader lines = new JsonLines.Reader(p.getInputStream(), config.stdio().maxLineBytes());
            String line;
            while ((line = lines.next()) != null) {
                if (!line.isBlank() && !deliver(line, sink)) {
                    broken = true;
                    why = "wrote more than " + live.get().stdio().protocolTolerance()
                            + " lines that are not JSON-RPC messages within a minute (protocol violation)";
                    break;
                }
            }
        } catch (JsonLines.TooLong e) {
            broken = true;
            why = e.getMessage() + " (protocol violation; max_line_bytes)";
        } catch (IOException e) {
            why = "stdout failed: " + e.getMessage();
        } catch (Throwable t) { // an Error too: a reader must never die without a word (issue #21 item 1)
            broken = true;
            why = "its stdout reader failed (" + t.getClass().getSimpleName() + ")";
        }
        violations.flush();
        if (closing) {
            return;
        }
        if (broken) {
            LOG.warn("upstream {} {}: killing it", config.name(), why);
            kill(p); // before the report: the restart must not race a live child
        } else {
            try {
                if (p.waitFor(2, TimeUnit.SECONDS)) {
                    why = "exited with status " + p.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        report(sink, why);
    }

    /** Hands one line to the sink; a violation fails the calls in flight. Returns false past the tolerance. */
    private boolean deliver(String line, Sink sink) {
        String what;
        try {
            JsonNode msg = Json.parse(line);
            if (msg instanceof ObjectNode o) {
                Message.of(o);
                sink.receive(o, null);
                return true;
            }
            what = "wrote JSON that is not a message object";
        } catch (JacksonException e) {
            what = "wrote a line that is not JSON";
        } catch (ProtocolException e) {
            what = "wrote an invalid JSON-RPC message (" + e.getMessage() + ")";
        }
        sink.violation("upstream " + config.name() + " " + what + " (protocol violation)");
        return !violations.record(what, line, live.get().stdio().protocolTolerance());
    }

    private void report(Sink sink, String why) {
        if (!closing && reported.compareAndSet(false, true)) {
            sink.closed(why);
        }
    }

    @Override
    public String failure() {
        if (reported.get() || closing || process == null) {
            return null;
        }
        Thread r = reader;
        if (r != null && !r.isAlive()) {
            return "its stdout reader stopped";
        }
        long exited = exitedAt;
        if (exited != 0 && System.nanoTime() - exited > EXIT_GRACE_NANOS) {
            return "exited with status " + process.exitValue() + " but its stdout stayed open";
        }
        long stalled = outbox.stalledNanos();
        if (stalled > live.get().timeout().toNanos() + STALL_GRACE_NANOS) {
            return "has not read its input for " + TimeUnit.NANOSECONDS.toSeconds(stalled) + " s";
        }
        return null;
    }

    /**
     * Queues the message for the writer; never blocks.
     *
     * @throws IOException at once when the child is not reading its input and the queue is full
     */
    @Override
    public void send(ObjectNode message, Long requestId) throws IOException {
        send(message, requestId, java.util.Map.of(), 0);
    }

    /** #21 item 4: a request still queued for the child when its deadline passes is never written. */
    @Override
    public void send(ObjectNode message, Long requestId, java.util.Map<String, String> headers, long deadlineNanos)
            throws IOException {
        Outbox o = outbox;
        if (o == null) {
            throw new IOException("not open");
        }
        if (!o.offer(Json.bytes(message), requestId, deadlineNanos)) {
            throw new IOException("the child is not reading its input (" + o.backlog() + "); refused at once");
        }
    }

    @Override
    public void release(long requestId) {
        Outbox o = outbox;
        if (o != null) {
            o.release(requestId);
        }
    }

    @Override
    public void close() {
        closing = true;
        if (process != null) {
            kill(process);
            outbox.close();
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
}
