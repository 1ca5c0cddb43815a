package io.portcullis.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.portcullis.demo.DemoServer;
import io.portcullis.it.LoopbackJetty;
import io.portcullis.protocol.Json;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 (C1.2): an HTTP upstream of the project's own that, like a real third-party API, verifies the
 * bearer token of each {@code tools/call} against its authorization server's JWKS (signature, issuer,
 * expiry) and answers 401 otherwise; the echo tool's answer is prefixed with the subject and audience
 * it saw ({@code seen sub=S aud=A: message}). It counts the calls it accepted and refused.
 */
final class VerifyingUpstream implements AutoCloseable {
    private final Server jetty = new Server();
    private final ServerConnector connector;
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    private final DemoServer demo = new DemoServer(true);

    VerifyingUpstream(String issuer) throws Exception {
        DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
        jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                JWKSourceBuilder.create(URI.create(issuer + "/jwks").toURL()).build()));
        connector = LoopbackJetty.start(jetty, (req, res, callback) -> {
            if (!"POST".equals(req.getMethod())) {
                LoopbackJetty.status(res, callback, 405);
                return;
            }
            try (InputStream in = Content.Source.asInputStream(req)) {
                ObjectNode body = (ObjectNode) Json.MAPPER.readTree(in);
                String seen = null;
                if ("tools/call".equals(body.path("method").asString(""))) {
                    String auth = req.getHeaders().get("Authorization");
                    try {
                        JWTClaimsSet c = jwt.process(auth.substring("Bearer ".length()), null);
                        if (!issuer.equals(c.getIssuer())) {
                            throw new IllegalArgumentException("issuer " + c.getIssuer());
                        }
                        seen = "seen sub=" + c.getSubject() + " aud=" + String.join(",", c.getAudience()) + ": ";
                        accepted.incrementAndGet();
                    } catch (Exception e) {
                        refused.incrementAndGet();
                        LoopbackJetty.status(res, callback, 401);
                        return;
                    }
                }
                ObjectNode answer = demo.answer(body);
                if (seen != null && answer != null && answer.path("result").path("content").path(0).isObject()) {
                    ObjectNode first = (ObjectNode) answer.path("result").path("content").path(0);
                    first.put("text", seen + first.path("text").asString(""));
                }
                LoopbackJetty.json(res, callback, answer);
            }
        });
    }

    String url() {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
