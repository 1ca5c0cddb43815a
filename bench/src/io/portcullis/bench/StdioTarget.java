package io.portcullis.bench;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An MCP server launched as a child process and spoken to over stdio (newline-delimited
 * JSON-RPC), one pipe for every call: requests are written on schedule, and a reader thread
 * matches each answer to its call by id.
 */
final class StdioTarget implements Target {
    /** One phase's bookkeeping; ids {@code base + i} belong to call {@code i}. */
    private static final class Phase {
        final long base;
        final AtomicLongArray sent;
        final long[] latency;
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        volatile long lastDone;
        final long countFrom;
        final Semaphore window;

        Phase(long base, int capacity, long countFrom, Semaphore window) {
            this.base = base;
            this.sent = new AtomicLongArray(capacity);
            this.latency = new long[capacity];
            Arrays.fill(latency, -1);
            this.countFrom = countFrom;
            this.window = window;
        }
    }

    private static final long CONTROL_ID = 1;
    private final Process process;
    private final OutputStream stdin;
    private final Thread reader;
    private final String tool;
    private final CompletableFuture<String> control = new CompletableFuture<>();
    private volatile Phase phase;
    private long nextBase = 1_000_000;

    StdioTarget(List<String> command, String tool, File log) throws Exception {
        this.tool = tool;
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log)).start();
        stdin = new BufferedOutputStream(process.getOutputStream(), 65536);
        reader = Thread.ofPlatform().name("stdio-reader").daemon().start(this::read);
        write("{\"jsonrpc\":\"2.0\",\"id\":" + CONTROL_ID + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"portcullis-bench\",\"version\":\"1\"}}}");
        String init = control.get(60, TimeUnit.SECONDS);
        if (!init.contains("\"result\"")) {
            throw new IOException(command + ": initialize failed: " + init);
        }
        write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    private synchronized void write(String line) throws IOException {
        stdin.write(line.getBytes(StandardCharsets.UTF_8));
        stdin.write('\n');
        stdin.flush();
    }

    @Override
    public List<Long> processes() {
        return List.of(process.pid());
    }

    private String call(long id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"message\":\"" + MESSAGE + "\"}}}";
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 65536)) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                long id = idOf(line);
                if (id == CONTROL_ID) {
                    control.complete(line);
                    continue;
                }
                Phase p = phase;
                if (id < 0 || p == null || id < p.base || id >= p.base + p.sent.length()) {
                    continue; // a notification, or a late answer from an earlier phase
                }
                int i = (int) (id - p.base);
                long sent = p.sent.get(i);
                if (sent >= p.countFrom) {
                    if (Target.isEcho(line)) {
                        p.latency[i] = now - sent;
                    } else {
                        p.errors.incrementAndGet();
                    }
                }
                p.lastDone = now;
                p.answered.incrementAndGet();
                if (p.window != null) {
                    p.window.release();
                }
            }
        } catch (IOException e) {
            // the process ended; close() or a failing phase reports it
        }
        control.complete("(stdout closed)");
    }

    /** The numeric JSON-RPC id of a line, or -1. */
    private static long idOf(String line) {
        int at = line.indexOf("\"id\":");
        if (at < 0) {
            return -1;
        }
        long v = 0;
        boolean any = false;
        for (int i = at + 5; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                any = true;
            } else if (c != ' ' || any) {
                break;
            }
        }
        return any ? v : -1;
    }

    @Override
    public Samples fixedRate(double rate, double seconds) throws Exception {
        int total = (int) Math.round(rate * seconds);
        long interval = Math.round(1e9 / rate);
        long start = System.nanoTime() + 50_000_000L;
        Phase p = begin(total, Long.MIN_VALUE, null);
        for (int i = 0; i < total; i++) {
            // the intended time, not the actual write time: a blocked pipe is the server's delay
            long intended = start + i * interval;
            p.sent.set(i, intended);
            Target.sleepUntil(intended);
            write(call(p.base + i));
        }
        long giveUp = start + (long) (seconds * 1e9) + 5_000_000_000L;
        while (p.answered.get() < total && System.nanoTime() < giveUp) {
            Thread.sleep(5);
        }
        phase = null;
        double elapsed = Math.max(seconds, (p.lastDone - start) / 1e9);
        return Samples.of(p.latency, p.errors.get(), total - p.answered.get(), elapsed, rate);
    }

    @Override
    public Samples closedLoop(int concurrency, double warmup, double seconds) throws Exception {
        Semaphore window = new Semaphore(concurrency);
        long from = System.nanoTime() + (long) (warmup * 1e9);
        long until = from + (long) (seconds * 1e9);
        Phase p = begin(2_000_000, from, window);
        int i = 0;
        while (i < p.sent.length()) {
            if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                break; // nothing came back for a second: the server is stuck
            }
            long t0 = System.nanoTime();
            if (t0 >= until) {
                break;
            }
            p.sent.set(i, t0);
            write(call(p.base + i));
            i++;
        }
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (p.answered.get() < i && System.nanoTime() < giveUp) {
            Thread.sleep(1); // let what is in flight land
        }
        phase = null;
        return Samples.of(p.latency, p.errors.get(), 0, seconds, 0);
    }

    private Phase begin(int capacity, long countFrom, Semaphore window) {
        Phase p = new Phase(nextBase, capacity, countFrom, window);
        nextBase += capacity + 1_000;
        phase = p;
        return p;
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
