package io.portcullis.demo;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.JsonLines;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import java.io.IOException;
import java.io.PrintStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bundled demo upstream, a small MCP server of the project's own. {@code demo-upstream}
 * serves the ticketing tools; {@code demo-upstream --echo} only {@code echo} (the benchmark's
 * fast upstream). stdio by default, Streamable HTTP with {@code --http PORT} (loopback only).
 * {@code --tools N} also lists N more tools, {@code tool0001}…, that echo like {@code echo}
 * (bench/scale.sh: a catalog of 1,000 tools, #20 item 4).
 */
public final class DemoServer {
    private final DemoTools tools = new DemoTools();
    private final boolean echoOnly;
    private final int extraTools;

    public DemoServer(boolean echoOnly) {
        this(echoOnly, 0);
    }

    /** @param extraTools how many more echo tools ({@code tool0001}…) to list (#20 item 4) */
    public DemoServer(boolean echoOnly, int extraTools) {
        this.echoOnly = echoOnly;
        this.extraTools = extraTools;
    }

    /** The name of extra tool {@code i} (1-based). */
    public static String extraTool(int i) {
        return "tool%04d".formatted(i);
    }

    /** Answers one message; null for notifications and responses. */
    public ObjectNode answer(ObjectNode raw) {
        Message msg;
        try {
            msg = Message.of(raw);
        } catch (ProtocolException e) {
            return Message.error(raw.get("id"), e.code(), e.getMessage(), null);
        }
        if (!msg.isRequest()) {
            return null;
        }
        ObjectNode result = switch (msg.method()) {
            case "initialize" -> {
                ObjectNode r = Json.object().put("protocolVersion", msg.params().path("protocolVersion").asString("2025-11-25"));
                r.putObject("capabilities").putObject("tools").put("listChanged", false);
                r.putObject("serverInfo").put("name", echoOnly ? "portcullis-echo" : "portcullis-demo").put("version", "1.0.0");
                yield r;
            }
            case "ping" -> Json.object();
            case "tools/list" -> {
                ObjectNode r = Json.object();
                ArrayNode list = tools.list(echoOnly);
                for (int i = 1; i <= extraTools; i++) {
                    ObjectNode t = list.addObject().put("name", extraTool(i)).put("description", "Echoes the message back (one of many).");
                    t.putObject("inputSchema").put("type", "object").putObject("properties").putObject("message").put("type", "string");
                    t.putObject("annotations").put("readOnlyHint", true);
                }
                r.set("tools", list);
                yield r;
            }
            case "tools/call" -> {
                String name = msg.params().path("name").asString("");
                yield tools.call(extraTools > 0 && name.matches("tool\\d{4}") ? "echo" : name, msg.params().path("arguments"));
            }
            default -> null;
        };
        if (result == null) {
            return Message.error(msg.id(), ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + msg.method(), null);
        }
        return Message.result(msg.id(), result);
    }

    public static void main(String[] args) throws Exception {
        boolean echo = false;
        int httpPort = -1;
        int extra = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--echo" -> echo = true;
                case "--http" -> httpPort = Integer.parseInt(args[++i]);
                case "--tools" -> extra = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: demo-upstream [--echo] [--http PORT] [--tools N]");
                    System.exit(2);
                }
            }
        }
        DemoServer server = new DemoServer(echo, extra);
        if (httpPort >= 0) {
            DemoHttp.serve(server, httpPort);
            return;
        }
        serveStdio(server);
    }

    static void serveStdio(DemoServer server) throws IOException {
        PrintStream realOut = System.out;
        System.setOut(System.err); // nothing but protocol on stdout
        JsonLines.Writer out = new JsonLines.Writer(realOut);
        JsonLines.Reader in = new JsonLines.Reader(System.in, JsonLines.DEFAULT_MAX_LINE_BYTES, true);
        String line;
        while ((line = in.nextMessage()) != null) {
            ObjectNode answer;
            if (in.wasCut()) {
                out.write(Message.error(null, ErrorCodes.INVALID_REQUEST, "message over " + JsonLines.DEFAULT_MAX_LINE_BYTES + " bytes", null));
                continue;
            }
            try {
                answer = Json.parse(line) instanceof ObjectNode o ? server.answer(o)
                        : Message.error(null, ErrorCodes.INVALID_REQUEST, "not a message", null);
            } catch (JacksonException e) {
                answer = Message.error(null, ErrorCodes.PARSE_ERROR, "Parse error", null);
            }
            if (answer != null) {
                out.write(answer);
            }
        }
    }
}
