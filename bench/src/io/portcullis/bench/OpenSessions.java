package io.portcullis.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bench/scale.sh (#20 item 4): opens N legacy MCP sessions (initialize, then
 * notifications/initialized) on a gateway and leaves them open (they end by idle expiry), from
 * {@code workers} threads on keep-alive connections. Prints how many were opened and refused.
 *
 * <pre>OpenSessions URL N [workers]</pre>
 */
public final class OpenSessions {
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench-sessions\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            threads[w] = Thread.ofPlatform().start(() -> {
                while (next.getAndIncrement() < n) {
                    try {
                        HttpResponse<String> r = client.send(post(url, INIT, null), HttpResponse.BodyHandlers.ofString());
                        String id = r.headers().firstValue("Mcp-Session-Id").orElse(null);
                        if (r.statusCode() != 200 || id == null) {
                            refused.incrementAndGet();
                            continue;
                        }
                        client.send(post(url, INITIALIZED, id), HttpResponse.BodyHandlers.discarding());
                        opened.incrementAndGet();
                    } catch (Exception e) {
                        refused.incrementAndGet();
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("opened " + opened.get() + " refused " + refused.get());
    }

    private static HttpRequest post(URI url, String body, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }
}
