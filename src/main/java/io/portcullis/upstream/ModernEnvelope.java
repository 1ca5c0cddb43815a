package io.portcullis.upstream;

import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a request to a 2026-07-28 upstream carries besides its own params: the per-request
 * {@code _meta} envelope (protocol version, the gateway's client info, the client capabilities the
 * gateway can relay, the log level) and, over HTTP, the headers that mirror the body
 * ({@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name}, {@code Mcp-Param-*}).
 *
 * <p>A request to a legacy upstream is stripped of a 2026-07-28 client's envelope instead: it
 * describes the client to the gateway, not the gateway to the upstream, and a dual-era upstream
 * would take it as a claim that the request is of 2026-07-28.
 *
 * <p>Never mutates the client's params: each result is a new object sharing the unchanged parts.
 */
final class ModernEnvelope {
    static final String VERSION_KEY = "io.modelcontextprotocol/protocolVersion";
    static final String CAPS_KEY = "io.modelcontextprotocol/clientCapabilities";
    static final String INFO_KEY = "io.modelcontextprotocol/clientInfo";
    static final String LOG_KEY = "io.modelcontextprotocol/logLevel";
    static final String SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo";
    static final String SUBSCRIPTION_KEY = "io.modelcontextprotocol/subscriptionId";
    private static final List<String> ENVELOPE_KEYS = List.of(VERSION_KEY, CAPS_KEY, INFO_KEY, LOG_KEY);

    /**
     * The client capabilities the gateway can relay to a 2026-07-28 client: an upstream's
     * {@code input_required} result asking for elicitation, sampling or roots is passed to such a
     * client as it is, and the client's retry comes back through the gateway to the same upstream.
     * A legacy client cannot answer {@code input_required}, so for its calls the gateway declares none.
     * Roots are not among them (#11 item 1): a client never chooses an upstream's roots.
     */
    private static final List<String> RELAYABLE = List.of("elicitation", "sampling");

    /** The methods whose {@code Mcp-Name} header mirrors a params field, and that field (SEP-2243, SEP-2663). */
    private static final Map<String, String> NAME_SOURCE = Map.of("tools/call", "name", "prompts/get", "name",
            "resources/read", "uri", "tasks/get", "taskId", "tasks/update", "taskId", "tasks/cancel", "taskId");

    /** 2026-07-28: the request's envelope lacks a client capability the server needs (MissingRequiredClientCapability). */
    private static final int MISSING_CLIENT_CAPABILITY = -32021;

    private static final String B64_PREFIX = "=?base64?";
    private static final String B64_SUFFIX = "?=";

    private ModernEnvelope() {}

    /**
     * The params of a request to a 2026-07-28 upstream: the client's params with the gateway's
     * envelope in {@code _meta}. The client's other {@code _meta} keys (progress token, trace
     * context, unknown ones) are kept; its envelope keys are replaced by the gateway's. The
     * capabilities are those of a 2026-07-28 client that the gateway can relay (none for a legacy
     * client or for the gateway's own requests); the log level is the 2026-07-28 client's own, else
     * {@code upstreamLogLevel} (what legacy sessions asked for with {@code logging/setLevel}), else none.
     */
    static ObjectNode wrap(ObjectNode params, String version, String upstreamLogLevel) {
        ObjectNode out = Json.object();
        ObjectNode clientMeta = null;
        if (params != null) {
            out.setAll(params);
            clientMeta = params.get("_meta") instanceof ObjectNode m ? m : null;
        }
        ObjectNode meta = out.putObject("_meta");
        boolean modernClient = fromModernClient(params);
        if (clientMeta != null) {
            meta.setAll(clientMeta);
            meta.remove(ENVELOPE_KEYS);
        }
        ObjectNode caps = Json.object();
        String level = upstreamLogLevel;
        if (modernClient) {
            if (clientMeta.get(CAPS_KEY) instanceof ObjectNode clientCaps) {
                for (String k : RELAYABLE) {
                    if (clientCaps.get(k) instanceof ObjectNode c) {
                        caps.set(k, c.deepCopy());
                    }
                }
            }
            if (clientMeta.get(LOG_KEY) instanceof JsonNode l && l.isString()) {
                level = l.asString();
            }
        }
        meta.put(VERSION_KEY, version);
        meta.set(INFO_KEY, gatewayInfo());
        meta.set(CAPS_KEY, caps);
        if (level != null) {
            meta.put(LOG_KEY, level);
        }
        return out;
    }

    /** Whether {@code params} come from a 2026-07-28 client (their {@code _meta} names a modern protocol version). */
    static boolean fromModernClient(ObjectNode params) {
        return params != null && params.get("_meta") instanceof ObjectNode m
                && ProtocolVersion.of(m.path(VERSION_KEY).asString("")).filter(ProtocolVersion::isModern).isPresent();
    }

    /** The params of a request to a legacy upstream: without a 2026-07-28 client's envelope keys (the same object when it has none). */
    static ObjectNode strip(ObjectNode params) {
        if (params == null || !(params.get("_meta") instanceof ObjectNode meta) || ENVELOPE_KEYS.stream().noneMatch(meta::has)) {
            return params;
        }
        ObjectNode out = Json.object();
        out.setAll(params);
        ObjectNode m = meta.deepCopy();
        m.remove(ENVELOPE_KEYS);
        if (m.isEmpty()) {
            out.remove("_meta");
        } else {
            out.set("_meta", m);
        }
        return out;
    }

    /** The gateway's own identity, as a client of its upstreams. */
    static ObjectNode gatewayInfo() {
        return Json.object().put("name", "portcullis").put("version", Version.current());
    }

    /**
     * The HTTP headers of one enveloped request: {@code MCP-Protocol-Version} and {@code Mcp-Method}
     * always, {@code Mcp-Name} for the methods that name a tool, prompt, resource or task, and for
     * {@code tools/call} one {@code Mcp-Param-<Name>} per {@code x-mcp-header} declaration in the
     * tool's {@code inputSchema} whose argument has a value.
     *
     * @param inputSchema the called tool's input schema as the upstream listed it, or null
     */
    static Map<String, String> headers(ObjectNode request, JsonNode inputSchema) {
        Map<String, String> h = new LinkedHashMap<>();
        String method = request.path("method").asString("");
        JsonNode params = request.path("params");
        h.put("MCP-Protocol-Version", params.path("_meta").path(VERSION_KEY).asString(""));
        h.put("Mcp-Method", method);
        String field = NAME_SOURCE.get(method);
        if (field != null && params.get(field) instanceof JsonNode v && v.isString()) {
            h.put("Mcp-Name", encode(v.asString()));
        }
        if ("tools/call".equals(method) && inputSchema instanceof ObjectNode schema
                && params.get("arguments") instanceof ObjectNode args) {
            paramHeaders(schema, args, h);
        }
        return h;
    }

    /**
     * Walks the schema's {@code properties} chain (the only place SEP-2243 allows
     * {@code x-mcp-header}) alongside the arguments; each declared primitive that has a value
     * becomes a header. A value that is not a primitive gets no header.
     */
    private static void paramHeaders(ObjectNode schema, ObjectNode args, Map<String, String> out) {
        if (!(schema.get("properties") instanceof ObjectNode props)) {
            return;
        }
        for (Map.Entry<String, JsonNode> p : props.properties()) {
            if (!(p.getValue() instanceof ObjectNode prop)) {
                continue;
            }
            JsonNode value = args.get(p.getKey());
            if (prop.get("x-mcp-header") instanceof JsonNode name && name.isString() && !name.asString().isEmpty()) {
                String text = primitive(value);
                if (text != null) {
                    out.put("Mcp-Param-" + name.asString(), encode(text));
                }
            }
            if (value instanceof ObjectNode nested) {
                paramHeaders(prop, nested, out);
            }
        }
    }

    /** A primitive argument as the spec converts it: strings as they are, integers without a fraction, booleans lowercase. */
    private static String primitive(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? "true" : "false";
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isNumber() && Double.isFinite(v.asDouble())) {
            double d = v.asDouble();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        return null;
    }

    /**
     * A header value per the spec's encoding: a plain printable-ASCII value without surrounding
     * spaces is sent as it is; anything else (and anything that looks like the sentinel itself) as
     * {@code =?base64?<base64 of UTF-8>?=}.
     */
    static String encode(String value) {
        boolean plain = !value.isEmpty() && value.equals(value.strip())
                && !(value.startsWith(B64_PREFIX) && value.endsWith(B64_SUFFIX));
        for (int i = 0; plain && i < value.length(); i++) {
            char c = value.charAt(i);
            plain = c == '\t' || (c >= 0x20 && c <= 0x7e);
        }
        return plain ? value : B64_PREFIX + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + B64_SUFFIX;
    }

    /** A notification that came on a subscriptions/listen stream, without the subscription's id (it is the gateway's). */
    static ObjectNode withoutSubscriptionId(ObjectNode n) {
        if (!(n.path("params").get("_meta") instanceof ObjectNode meta) || !meta.has(SUBSCRIPTION_KEY)) {
            return n;
        }
        ObjectNode copy = n.deepCopy();
        ObjectNode m = (ObjectNode) copy.get("params").get("_meta");
        m.remove(SUBSCRIPTION_KEY);
        if (m.isEmpty()) {
            ((ObjectNode) copy.get("params")).remove("_meta");
        }
        return copy;
    }

    /**
     * A 2026-07-28 upstream that needs input from the client answers {@code input_required}, or
     * -32021 when the request's envelope did not declare the capability it needs; the gateway
     * declares none for a legacy client, which cannot answer {@code input_required}. Either way a
     * legacy client is told that it is the gateway that cannot relay the question to it.
     */
    static void refuseInputRequired(String upstream, String method, JsonNode response) throws GatewayException.Refused {
        String why;
        if ("input_required".equals(response.path("result").path("resultType").asString(""))) {
            why = "an input_required result";
        } else if (response.path("error").path("code").asInt(0) == MISSING_CLIENT_CAPABILITY) {
            why = response.path("error").path("message").asString("a required client capability is missing");
        } else {
            return;
        }
        throw new GatewayException.Refused("input-required", "upstream " + upstream + " needs input from the client to answer "
                + method + " (" + why + "); the gateway relays the input requests of 2026-07-28 upstreams only to clients "
                + "that speak 2026-07-28, and this client speaks an earlier version");
    }
}
