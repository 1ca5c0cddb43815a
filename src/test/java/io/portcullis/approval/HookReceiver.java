package io.portcullis.approval;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.protocol.Json;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A webhook endpoint on 127.0.0.1 for tests: it fails the first {@code failures} deliveries with
 * HTTP 500 and records every delivery (body and the X-Hook-Token header).
 */
final class HookReceiver implements AutoCloseable {
    record Delivery(int status, String token, JsonNode body) {}

    private final HttpServer server;
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft;

    HookReceiver(int failures) throws Exception {
        failuresLeft = new AtomicInteger(failures);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int status = failuresLeft.getAndDecrement() > 0 ? 500 : 204;
            deliveries.add(new Delivery(status, ex.getRequestHeaders().getFirst("X-Hook-Token"), Json.parse(body)));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Waits (up to 30 s) for an accepted delivery that matches. */
    Delivery await(Predicate<Delivery> p) throws InterruptedException {
        try {
            return io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(30),
                    () -> deliveries.stream().filter(d -> d.status() == 204 && p.test(d)).findFirst(), java.util.Optional::isPresent).get();
        } catch (AssertionError e) {
            throw new AssertionError("no such webhook delivery; got " + deliveries, e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
