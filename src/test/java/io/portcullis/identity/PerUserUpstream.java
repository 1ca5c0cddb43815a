package io.portcullis.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.portcullis.demo.DemoServer;
import io.portcullis.protocol.Json;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16: a legacy (2025-11-25, sessions) Streamable HTTP upstream of the project's own that checks the
 * bearer token on EVERY request, as the TypeScript SDK's bearer-auth middleware does: {@code initialize},
 * notifications, listings, calls, {@code tasks/*}, the GET stream and the closing {@code DELETE}. A token
 * must verify against the IdP's JWKS, be issued by the IdP and name the upstream's audience, else 401. A
 * session belongs to the subject whose token opened it: a request on it with another subject's token is
 * refused (403). Every request is recorded (HTTP method, JSON-RPC method, session, subject, the raw header).
 * The GET stream is answered 405 (this server sends nothing unasked) after the token was checked.
 */
final class PerUserUpstream implements AutoCloseable {
    /** One request as the upstream saw it; {@code subject} null when refused. */
    record Seen(String http, String method, String session, String subject, String authorization, int status) {}

    private final Server jetty = new Server();
    private final ServerConnector connector = new ServerConnector(jetty);
    private final DemoServer demo = new DemoServer(true);
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Session id → the subject that opened it; removed by DELETE. */
    final Map<String, String> sessions = new ConcurrentHashMap<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    /** Session id → the subject that opened it, kept after DELETE. */
    final Map<String, String> owners = new ConcurrentHashMap<>();

    PerUserUpstream(String issuer, String audience) throws Exception {
        DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
        jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                JWKSourceBuilder.create(URI.create(issuer + "/jwks").toURL()).build()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback callback) throws Exception {
                String auth = req.getHeaders().get("Authorization");
                String sid = req.getHeaders().get("Mcp-Session-Id");
                ObjectNode body = null;
                if ("POST".equals(req.getMethod())) {
                    try (InputStream in = Content.Source.asInputStream(req)) {
                        body = (ObjectNode) Json.MAPPER.readTree(in);
                    }
                }
                String method = body == null ? null : body.path("method").asString(null);
                String subject;
                try {
                    JWTClaimsSet c = jwt.process(auth.substring("Bearer ".length()), null);
                    if (!issuer.equals(c.getIssuer()) || c.getAudience() == null || !c.getAudience().contains(audience)) {
                        throw new IllegalArgumentException("issuer or audience");
                    }
                    subject = c.getSubject();
                } catch (Exception e) {
                    return answer(res, callback, new Seen(req.getMethod(), method, sid, null, auth, 401), null);
                }
                if (sid != null && !subject.equals(sessions.get(sid))) { // another user's session, or an unknown one
                    return answer(res, callback, new Seen(req.getMethod(), method, sid, subject, auth, sessions.containsKey(sid) ? 403 : 404), null);
                }
                if ("DELETE".equals(req.getMethod())) {
                    sessions.remove(sid);
                    deleted.add(sid);
                    return answer(res, callback, new Seen("DELETE", null, sid, subject, auth, 200), null);
                }
                if (!"POST".equals(req.getMethod())) {
                    return answer(res, callback, new Seen(req.getMethod(), null, sid, subject, auth, 405), null);
                }
                if ("initialize".equals(method)) {
                    sid = UUID.randomUUID().toString();
                    sessions.put(sid, subject);
                    owners.put(sid, subject);
                    res.getHeaders().put("Mcp-Session-Id", sid);
                } else if (sid == null) {
                    return answer(res, callback, new Seen("POST", method, null, subject, auth, 400), null);
                }
                ObjectNode item = RecordedItems.answer(method, body.path("params"));
                ObjectNode answer = item != null ? io.portcullis.protocol.Message.result(body.get("id"), item) : demo.answer(body);
                if ("initialize".equals(method) && answer != null) {
                    RecordedItems.capabilities(answer);
                }
                if (answer != null && answer.path("result").path("content").path(0).isObject()) {
                    ObjectNode first = (ObjectNode) answer.path("result").path("content").path(0);
                    first.put("text", "seen sub=" + subject + ": " + first.path("text").asString(""));
                }
                return answer(res, callback, new Seen("POST", method, sid, subject, auth, answer == null ? 202 : 200), answer);
            }
        });
        jetty.start();
    }

    private boolean answer(Response res, Callback callback, Seen s, ObjectNode body) {
        seen.add(s);
        res.setStatus(s.status());
        if (s.status() == 401) { // as the TypeScript SDK's bearer-auth middleware answers
            res.getHeaders().put("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        if (body == null) {
            callback.succeeded();
        } else {
            res.getHeaders().put("Content-Type", "application/json");
            res.write(true, ByteBuffer.wrap(Json.bytes(body)), callback);
        }
        return true;
    }

    String url() {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
    }

    /** The requests made on the sessions {@code subject} opened (initialize included). */
    List<Seen> onSessionsOf(String subject) {
        return seen.stream().filter(s -> s.session() != null && subject.equals(owners.get(s.session()))).toList();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
