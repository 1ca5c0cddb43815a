package io.portcullis.cli;

import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A client of a running gateway's admin API ({@code /admin/api/...}) with one bearer token: the
 * approver's own ({@code approvals}), or the gateway's local admin token ({@link Served}, #21 item 13).
 * A refusal is a {@link CliFailure} naming the status and the gateway's reason: exit 2 for a 400
 * (the request was wrong), else 1 (#12 item 6).
 */
final class AdminClient {
    /** The gateway cannot be reached at all (it stopped, or was never there). */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    final String base;
    private final String token;
    /** One client for the command's life (its body streams are read after send returns, so it is not closed per request). */
    private final HttpClient http;

    AdminClient(String base, String token) {
        this(base, token, null);
    }

    /** @param tls the TLS context to use (e.g. one that pins the gateway's certificate), or null for the JVM's default */
    AdminClient(String base, String token, javax.net.ssl.SSLContext tls) {
        this.base = base.replaceAll("/+$", "");
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        this.http = (tls == null ? b : b.sslContext(tls)).build();
    }

    /** Sends one request; answers its JSON body (null when empty). */
    JsonNode send(String method, String path, JsonNode body) throws IOException, InterruptedException, Unreachable {
        HttpResponse<InputStream> r = exchange(method, path, body);
        try (InputStream in = r.body()) {
            byte[] data = in.readNBytes(64 * 1024 * 1024);
            JsonNode json;
            try {
                json = data.length == 0 ? null : Json.parse(data);
            } catch (JacksonException e) {
                throw new CliFailure("the gateway at " + base + " answered HTTP " + r.statusCode() + " with a body that is not JSON", Exit.FAILED);
            }
            if (r.statusCode() / 100 != 2) {
                throw refused(r.statusCode(), json);
            }
            return json;
        }
    }

    /** Sends a GET whose answer is JSON Lines; hands each line to {@code lines}; answers how many. */
    long lines(String path, Consumer<String> lines) throws IOException, InterruptedException, Unreachable {
        HttpResponse<InputStream> r = exchange("GET", path, null);
        try (InputStream in = r.body()) {
            if (r.statusCode() / 100 != 2) {
                byte[] data = in.readNBytes(64 * 1024);
                JsonNode json;
                try {
                    json = Json.parse(data);
                } catch (JacksonException e) {
                    json = null;
                }
                throw refused(r.statusCode(), json);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            long n = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty()) {
                    lines.accept(line);
                    n++;
                }
            }
            return n;
        }
    }

    private HttpResponse<InputStream> exchange(String method, String path, JsonNode body)
            throws IOException, InterruptedException, Unreachable {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (javax.net.ssl.SSLException e) {
            throw new CliFailure("TLS to the gateway at " + base + " failed (" + e.getMessage() + "); the certificate must be the one "
                    + "its admin.local names, and with identity.tls.client_auth: required the CLI has no client certificate "
                    + "(see docs/operations/store.md)");
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Unreachable("cannot reach the gateway at " + base + ": " + (e.getMessage() == null ? "connection refused" : e.getMessage()));
        }
    }

    private static CliFailure refused(int status, JsonNode json) {
        String why = json == null ? "" : json.path("error").isObject() ? json.path("error").path("message").asString("")
                : json.path("error").asString("");
        return new CliFailure("the gateway refused (HTTP " + status + "): " + why, status == 400 ? Exit.USAGE : Exit.FAILED);
    }
}
