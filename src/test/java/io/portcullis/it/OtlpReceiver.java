package io.portcullis.it;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * #18 "traces received for real": an OTLP/HTTP receiver of the project's own, in the test's JVM on
 * a free loopback port. It takes {@code POST /v1/traces} (protobuf, gzip or not), decodes the
 * {@code ExportTraceServiceRequest} with the {@code io.opentelemetry.proto} classes and keeps every
 * span with its resource's {@code service.name}.
 */
public final class OtlpReceiver implements AutoCloseable {
    /** One received span, ids as lower-case hex. */
    public record Received(String service, String traceId, String spanId, String parentSpanId, String name, Span.SpanKind kind,
                           Span span) {
        public String attribute(String key) {
            return span.getAttributesList().stream().filter(a -> a.getKey().equals(key)).map(a -> a.getValue().getStringValue())
                    .findFirst().orElse(null);
        }
    }

    public final List<Received> spans = new CopyOnWriteArrayList<>();
    public final List<String> rejected = new CopyOnWriteArrayList<>();
    private final Server server = new Server();
    private final int port;

    private OtlpReceiver() throws Exception {
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback cb) throws Exception {
                if (!"POST".equals(req.getMethod()) || !"/v1/traces".equals(req.getHttpURI().getPath())) {
                    rejected.add(req.getMethod() + " " + req.getHttpURI().getPath());
                    res.setStatus(404);
                    cb.succeeded();
                    return true;
                }
                ByteBuffer buf = Content.Source.asByteBuffer(req);
                byte[] body = new byte[buf.remaining()];
                buf.get(body);
                InputStream in = new ByteArrayInputStream(body);
                if ("gzip".equalsIgnoreCase(req.getHeaders().get("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                keep(ExportTraceServiceRequest.parseFrom(in));
                res.setStatus(200);
                res.getHeaders().put("Content-Type", "application/x-protobuf");
                res.write(true, ByteBuffer.wrap(ExportTraceServiceResponse.getDefaultInstance().toByteArray()), cb);
                return true;
            }
        });
        server.start();
        port = c.getLocalPort();
    }

    public static OtlpReceiver start() throws Exception {
        return new OtlpReceiver();
    }

    /** The base URL an OTLP/HTTP exporter is given (it posts to {@code /v1/traces} under it). */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public List<Received> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private void keep(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            String service = rs.getResource().getAttributesList().stream().filter(a -> a.getKey().equals("service.name"))
                    .map(a -> a.getValue().getStringValue()).findFirst().orElse(null);
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    spans.add(new Received(service, hex.formatHex(s.getTraceId().toByteArray()), hex.formatHex(s.getSpanId().toByteArray()),
                            hex.formatHex(s.getParentSpanId().toByteArray()), s.getName(), s.getKind(), s));
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
