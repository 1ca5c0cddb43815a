package io.portcullis.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A raw MCP-over-HTTP client for tests (java.net.http): exact bodies and headers in, status,
 * headers and body (or a live SSE stream) out. Every request carries
 * {@code Content-Type: application/json} and {@code Accept: application/json, text/event-stream}
 * unless the caller overrides them; a header given as {@code null} is left out.
 */
public final class WireClient {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI url;

    public WireClient(URI url) {
        this.url = url;
    }

    public URI url() {
        return url;
    }

    /** POSTs {@code body} and reads the whole answer. {@code headers}: name, value, name, value, ... */
    public WireReply post(String body, String... headers) {
        return send(request("POST", body, headers));
    }

    /** POSTs {@code body} and returns the answer as it streams in. */
    public SseStream postStream(String body, String... headers) {
        return stream(request("POST", body, headers));
    }

    public WireReply get(String... headers) {
        return send(request("GET", null, headers));
    }

    public SseStream getStream(String... headers) {
        return stream(request("GET", null, headers));
    }

    public WireReply delete(String... headers) {
        return send(request("DELETE", null, headers));
    }

    /** Any method, e.g. PUT. */
    public WireReply method(String method, String body, String... headers) {
        return send(request(method, body, headers));
    }

    private HttpRequest request(String method, String body, String... headers) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json, text/event-stream");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60));
        h.forEach((k, v) -> {
            if (v != null) {
                b.header(k, v);
            }
        });
        return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    private static WireReply send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new WireReply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static SseStream stream(HttpRequest request) {
        try {
            HttpResponse<InputStream> r = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            return new SseStream(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
