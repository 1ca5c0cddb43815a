package io.portcullis.bench;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An MCP endpoint over Streamable HTTP, called on a pool of keep-alive connections, one thread
 * each. Three ways to call it:
 * <ul>
 *   <li>{@code plain}: a bare {@code tools/call} POST (the echo upstream needs no session);</li>
 *   <li>{@code legacy}: 2025-11-25 with a session: each connection initializes once and then
 *       sends its {@code Mcp-Session-Id} and {@code MCP-Protocol-Version} on every call;</li>
 *   <li>{@code modern}: stateless 2026-07-28: {@code _meta} envelope plus the
 *       {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name} headers.</li>
 * </ul>
 */
final class HttpTarget implements Target {
    enum Mode { PLAIN, LEGACY, MODERN }

    private final URI url;
    private final Mode mode;
    private final String tool;
    private final List<HttpWire> wires = new ArrayList<>();
    private final List<Map<String, String>> headers = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private final List<String> credentials;
    private long lastUsed = System.nanoTime();

    HttpTarget(URI url, Mode mode, String tool) {
        this(url, mode, tool, List.of());
    }

    /**
     * With {@code credentials} (bearer tokens: JWTs of several users and API keys; the full-stack
     * profile, #20 item 1), connection {@code c} authenticates as {@code credentials[c % n]} on every
     * request, its session included: the callers are several principals, not one.
     */
    HttpTarget(URI url, Mode mode, String tool, List<String> credentials) {
        this.url = url;
        this.mode = mode;
        this.tool = tool;
        this.credentials = List.copyOf(credentials);
    }

    /** Makes sure {@code n} connections exist (each with its session in legacy mode), freshly connected. */
    private void ensure(int n) throws IOException {
        while (wires.size() < n) {
            HttpWire w = new HttpWire(url);
            Map<String, String> h = new LinkedHashMap<>();
            if (!credentials.isEmpty()) {
                h.put("Authorization", "Bearer " + credentials.get(wires.size() % credentials.size()));
            }
            if (mode == Mode.LEGACY) {
                HttpWire.Reply init = w.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"portcullis-bench\",\"version\":\"1\"}}}", Map.copyOf(h));
                if (init.status() != 200 || init.sessionId() == null) {
                    throw new IOException(url + ": initialize failed: HTTP " + init.status() + " " + init.body());
                }
                h.put("Mcp-Session-Id", init.sessionId());
                h.put("MCP-Protocol-Version", "2025-11-25");
                HttpWire.Reply ack = w.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", h);
                if (ack.status() / 100 != 2) {
                    throw new IOException(url + ": notifications/initialized got HTTP " + ack.status());
                }
            } else if (mode == Mode.MODERN) {
                h.put("MCP-Protocol-Version", "2026-07-28");
                h.put("Mcp-Method", "tools/call");
                h.put("Mcp-Name", tool);
            }
            wires.add(w);
            headers.add(Map.copyOf(h));
        }
        // An idle keep-alive connection may have been closed by the server while other targets ran
        // (Jetty's default idle timeout is 30 s): reconnect before that can happen mid-phase.
        if (System.nanoTime() - lastUsed > 25_000_000_000L) {
            for (HttpWire w : wires) {
                w.connect();
            }
        }
    }

    private String body(long id) {
        String meta = mode != Mode.MODERN ? "" : ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"message\":\"" + MESSAGE + "\"}" + meta + "}}";
    }

    /** One call on connection {@code c}; true on a correct echo result. Reconnects after a transport error. */
    private boolean call(int c) {
        HttpWire w = wires.get(c);
        try {
            HttpWire.Reply r = w.post(body(ids.incrementAndGet()), headers.get(c));
            return r.status() == 200 && Target.isEcho(r.body());
        } catch (IOException | RuntimeException e) {
            try {
                w.connect();
            } catch (IOException ignored) {
                // the next call fails too and is counted
            }
            return false;
        }
    }

    @Override
    public Samples fixedRate(double rate, double seconds, long start) throws Exception {
        int connections = Integer.getInteger("bench.connections", 32);
        ensure(connections);
        int total = (int) Math.round(rate * seconds);
        long interval = Math.round(1e9 / rate);
        long giveUp = start + (long) (seconds * 1e9) + 2_000_000_000L;
        long[] latency = new long[total];
        java.util.Arrays.fill(latency, -1);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger unsent = new AtomicInteger();
        AtomicLong lastDone = new AtomicLong(start);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            threads.add(Thread.ofPlatform().name("rate-" + c).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    long intended = start + i * interval;
                    Target.sleepUntil(intended);
                    if (System.nanoTime() > giveUp) {
                        unsent.incrementAndGet();
                        continue;
                    }
                    boolean ok = call(conn);
                    long done = System.nanoTime();
                    lastDone.accumulateAndGet(done, Math::max);
                    if (ok) {
                        latency[i] = done - intended;
                    } else {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        lastUsed = System.nanoTime();
        double elapsed = Math.max(seconds, (lastDone.get() - start) / 1e9);
        return Samples.of(latency, errors.get(), unsent.get(), elapsed, rate);
    }

    @Override
    public Samples closedLoop(int concurrency, double warmup, double seconds) throws Exception {
        ensure(concurrency);
        long begin = System.nanoTime();
        long from = begin + (long) (warmup * 1e9);
        long until = from + (long) (seconds * 1e9);
        List<long[]> perThread = new ArrayList<>();
        int[] counts = new int[concurrency];
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            int conn = c;
            long[] mine = new long[200_000];
            perThread.add(mine);
            threads.add(Thread.ofPlatform().name("peak-" + c).start(() -> {
                long t0;
                while ((t0 = System.nanoTime()) < until) {
                    boolean ok = call(conn);
                    long t1 = System.nanoTime();
                    if (t0 >= from) {
                        if (!ok) {
                            errors.incrementAndGet();
                        } else if (counts[conn] < mine.length) {
                            mine[counts[conn]++] = t1 - t0;
                        }
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        lastUsed = System.nanoTime();
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        long[] all = new long[n];
        int at = 0;
        for (int c = 0; c < concurrency; c++) {
            System.arraycopy(perThread.get(c), 0, all, at, counts[c]);
            at += counts[c];
        }
        return Samples.of(all, errors.get(), 0, seconds, 0);
    }

    @Override
    public void close() {
        wires.forEach(HttpWire::close);
    }
}
