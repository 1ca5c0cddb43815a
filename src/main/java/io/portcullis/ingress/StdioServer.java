package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.protocol.BatchingWriter;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.protocol.JsonLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * stdio ingress: a local client launches {@code portcullis stdio} and speaks newline-delimited
 * JSON-RPC on its stdin/stdout. One implicit session; each request is served on its own virtual
 * thread so that a long call never blocks cancellations or answers to relayed requests.
 * Nothing but MCP messages is ever written to stdout (logs go to stderr).
 *
 * <p>A message is bounded like an HTTP request body ({@code server.max_body_bytes}): a longer line
 * is cut there unread and answered with an error, and the next line is read as usual.
 */
public final class StdioServer {
    private static final Logger LOG = LoggerFactory.getLogger(StdioServer.class);

    private final Dispatcher dispatcher;
    private final String environment;
    /** #12: answers that finish together leave in one write (the stdio peak rows). */
    private final BatchingWriter out;
    private final long maxMessageBytes;
    private final InputStream in;
    private volatile ClientSession session;

    public StdioServer(Gateway gateway, String environment, InputStream in, OutputStream out) {
        this.dispatcher = new Dispatcher(gateway);
        this.environment = environment;
        this.in = in;
        this.out = new BatchingWriter(out);
        this.maxMessageBytes = gateway.config().server().maxBodyBytes();
        gateway.onEvent((kind, message) -> {
            ClientSession s = session;
            if (s != null && Sessions.isListKind(kind)) {
                io.portcullis.tracing.Tracing.current().own(Message.notification("notifications/" + kind + "/list_changed", null),
                        this::write); // #18 (session 10): the gateway's own notification, a CLIENT span
            }
        });
    }

    /** Serves until stdin closes. */
    public void run() throws IOException {
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("stdio-request").factory());
             InputStream input = in) {
            JsonLines.Reader reader = new JsonLines.Reader(input, maxMessageBytes, true);
            String line;
            while ((line = reader.nextMessage()) != null) {
                if (reader.wasCut()) {
                    // the same answer as an HTTP body over the bound; the rest of the line was skipped unread
                    write(Message.error(null, ErrorCodes.TRANSPORT_ERROR, "Request body too large (limit " + maxMessageBytes + " bytes)", null));
                    continue;
                }
                String text = line;
                threads.execute(() -> serveLine(text));
            }
        }
        ClientSession s = session;
        if (s != null) {
            s.close();
        }
    }

    private void serveLine(String line) {
        JsonNode json;
        try {
            json = Json.parse(line);
        } catch (JacksonException e) {
            write(Message.error(null, ErrorCodes.PARSE_ERROR, "Parse error: not valid JSON", null));
            return;
        }
        Message msg;
        try {
            msg = Message.ofClient(json); // #11 item 3
        } catch (ProtocolException e) {
            write(Message.error(json.get("id"), e.code(), Message.clientMessage(e), null));
            return;
        }
        if (msg.isRequest() && "initialize".equals(msg.method())) {
            ObjectNode p = msg.params();
            ProtocolVersion v = ProtocolVersion.negotiateLegacy(p.path("protocolVersion").asString(""));
            ObjectNode caps = p.get("capabilities") instanceof ObjectNode c ? c : Json.object();
            ObjectNode info = p.get("clientInfo") instanceof ObjectNode i ? i : Json.object();
            // C1.4, local side: the client launched this process, so the caller is the local OS user
            // (or the principal identity.stdio names), authenticated by the operating system.
            session = new ClientSession("stdio", environment, v, caps, info,
                    dispatcher.gateway().identity().local(environment, info.path("name").asString(null)));
            write(Message.result(msg.id(), dispatcher.initializeResult(v, p, io.portcullis.call.Origin.NONE)));
            return;
        }
        ClientSession s = session;
        if (s == null) {
            if (msg.isRequest()) {
                write(Message.error(msg.id(), ErrorCodes.INVALID_REQUEST, "the session is not initialized: send initialize first", null));
            }
            return;
        }
        if (msg.isResponse()) {
            dispatcher.clientResponse(s, msg);
            return;
        }
        ObjectNode answer = dispatcher.handle(s, msg, this::write);
        if (answer != null) {
            write(answer);
        }
    }

    private void write(ObjectNode message) {
        try {
            out.write(message);
        } catch (IOException e) {
            LOG.debug("stdout closed: {}", e.getMessage());
        }
    }
}
