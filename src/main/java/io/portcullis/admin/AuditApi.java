package io.portcullis.admin;

import io.portcullis.audit.AuditConfig;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditQuery;
import io.portcullis.audit.Verifier;
import io.portcullis.http.Replies;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin API of the audit log (C4.3, C4.4), the same operations as {@code portcullis audit}:
 * <ul>
 *   <li>{@code GET /admin/api/audit/records?principal=&tool=&env=&decision=&kind=&call=&since=&until=&limit=}</li>
 *   <li>{@code GET /admin/api/audit/trace/{request-id}}</li>
 *   <li>{@code GET /admin/api/audit/export?...} (JSON Lines, {@code application/x-ndjson})</li>
 *   <li>{@code GET /admin/api/audit/verify}</li>
 * </ul>
 * Access: when the gateway has an {@code identity:} section, the {@link Access} the gateway gives
 * (the identity system: an authenticated principal holding one of {@code identity.admin_roles}).
 * Without one (the demo), {@link #tokenOrLoopback}: when {@code audit.admin_token_env} or
 * {@code audit.admin_token_file} is set, every request needs {@code Authorization: Bearer <token>};
 * without a token only loopback peers are served. A token that cannot be read refuses everything.
 */
public final class AuditApi extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(AuditApi.class);
    static final String PREFIX = "/admin/api/audit/";

    /** Decides who may read the log over HTTP. */
    @FunctionalInterface
    public interface Access {
        /** True to serve the request; false when access was refused and the refusal already answered (401/403). */
        boolean admit(Request req, Response res) throws IOException;
    }

    private final AuditLog log;
    private final Access access;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public AuditApi(AuditLog log, Access access) {
        this.log = log;
        this.access = access;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.startsWith(PREFIX)) {
            return false;
        }
        threads.execute(() -> {
            try {
                serve(path.substring(PREFIX.length()), request, response);
                callback.succeeded();
            } catch (Throwable t) {
                LOG.debug("admin request ended: {}", t.toString());
                callback.failed(t);
            }
        });
        return true;
    }

    private void serve(String path, Request req, Response res) throws IOException {
        if (!access.admit(req, res)) {
            return;
        }
        if (!"GET".equals(req.getMethod())) {
            res.getHeaders().put(HttpHeader.ALLOW, "GET");
            Replies.json(res, 405, Json.object().put("error", "only GET"));
            return;
        }
        Fields q = Request.extractQueryParameters(req);
        try {
            if (path.equals("records")) {
                List<ObjectNode> found = log.query().search(filter(q, Integer.parseInt(value(q, "limit", "100"))));
                ObjectNode out = Json.object();
                out.putArray("records").addAll(found);
                Replies.json(res, 200, out);
            } else if (path.startsWith("trace/") && path.length() > "trace/".length()) {
                String id = java.net.URLDecoder.decode(path.substring("trace/".length()), StandardCharsets.UTF_8);
                ObjectNode out = Json.object().put("request_id", id);
                out.putArray("records").addAll(log.query().trace(id));
                Replies.json(res, 200, out);
            } else if (path.equals("export")) {
                res.setStatus(200);
                res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-ndjson");
                try (OutputStream out = Content.Sink.asOutputStream(res)) {
                    log.query().export(filter(q, Integer.MAX_VALUE), line -> {
                        try {
                            out.write(line.getBytes(StandardCharsets.UTF_8));
                            out.write('\n');
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                }
            } else if (path.equals("verify")) {
                Verifier.Report r = log.verify();
                ObjectNode out = (ObjectNode) Json.MAPPER.valueToTree(r);
                out.put("intact", r.intact());
                Replies.json(res, 200, out);
            } else {
                Replies.json(res, 404, Json.object().put("error", "no such audit resource: " + path));
            }
        } catch (IllegalArgumentException e) {
            Replies.json(res, 400, Json.object().put("error", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("audit admin API failed: {}", e.toString());
            Replies.json(res, 500, Json.object().put("error", "the audit log could not be read"));
        }
    }

    /** The access rule of a gateway without an identity section: the configured admin token, else loopback peers only. */
    public static Access tokenOrLoopback(Supplier<AuditConfig> config) {
        return (req, res) -> {
            String denied = tokenOrLoopback(config.get(), req);
            if (denied == null) {
                return true;
            }
            Replies.json(res, denied.startsWith("401") ? 401 : 403, Json.object().put("error", denied.substring(4)));
            return false;
        };
    }

    /** Null when the request may proceed, else "401 why" or "403 why". */
    private static String tokenOrLoopback(AuditConfig c, Request req) {
        String token = null;
        try {
            if (c.adminTokenEnv() != null) {
                token = System.getenv(c.adminTokenEnv());
                if (token == null || token.isBlank()) {
                    return "403 the admin token variable " + c.adminTokenEnv() + " is not set; the admin API is closed";
                }
            } else if (c.adminTokenFile() != null) {
                token = Files.readString(c.adminTokenFile(), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            return "403 the admin token file cannot be read; the admin API is closed";
        }
        if (token != null) {
            String auth = req.getHeaders().get(HttpHeader.AUTHORIZATION);
            String given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : "";
            return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))
                    ? null : "401 a valid admin bearer token is required";
        }
        try {
            return InetAddress.getByName(Request.getRemoteAddr(req)).isLoopbackAddress()
                    ? null : "403 without audit.admin_token_env/admin_token_file the admin API serves loopback clients only";
        } catch (UnknownHostException e) {
            return "403 unknown peer";
        }
    }

    private static AuditQuery.Filter filter(Fields q, int limit) {
        Instant now = Instant.now();
        return new AuditQuery.Filter(value(q, "principal", null), value(q, "tool", null), value(q, "env", null),
                value(q, "decision", null), AuditQuery.time(value(q, "since", null), now), AuditQuery.time(value(q, "until", null), now),
                value(q, "kind", null), limit, value(q, "call", null));
    }

    private static String value(Fields q, String name, String fallback) {
        String v = q.getValue(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    public void close() {
        threads.shutdownNow();
    }
}
