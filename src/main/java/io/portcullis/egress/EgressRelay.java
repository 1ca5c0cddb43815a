package io.portcullis.egress;

import io.portcullis.call.CallTrail;
import io.portcullis.call.ClientKey;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import java.util.TreeSet;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #13 item 2, the other ways from an upstream to the client (C5.1, C5.2): what an upstream sends
 * while it serves a call passes the same detectors and actions as the call's result, before the
 * client sees it. That is its logging ({@code notifications/message}) and progress
 * ({@code notifications/progress}) notifications, and the requests it makes of the client
 * ({@code sampling/createMessage}: the messages and system prompt; {@code elicitation/create}:
 * the message, schema texts and URL). Each detection goes into the call's trail, so into its
 * audit record (#13 item 6: class, count, place, action; never the value), named by the method.
 *
 * <p>Fail closed: a request that holds a class whose action is {@code block}, or that cannot be
 * scanned, is not sent to the client; the upstream gets an error naming the control
 * {@code egress}. Such a log message or progress notification reaches the client with its text
 * replaced by a note naming the control and the classes; any other notification is dropped.
 */
public final class EgressRelay implements Relay {
    private final Relay client;
    private final EgressConfig config;
    private final ResultFilter.Where where;
    private final CallTrail trail;

    EgressRelay(Relay client, EgressConfig config, ResultFilter.Where where, CallTrail trail) {
        this.client = client;
        this.config = config;
        this.where = where;
        this.trail = trail;
    }

    @Override
    public void notify(ObjectNode notification) {
        ObjectNode clean = notification(notification, config, where, trail::redaction, trail::note);
        if (clean != null) {
            client.notify(clean);
        }
    }

    /**
     * The notification as the client may see it, or null when it must not be sent. The
     * progress token (the client's own) is not scanned. Detections and notes go to the two sinks.
     */
    static ObjectNode notification(ObjectNode n, EgressConfig config, ResultFilter.Where where, Consumer<String> detections,
                                   Consumer<String> notes) {
        String method = n.path("method").asString("");
        ObjectNode scanned = n.deepCopy();
        JsonNode token = scanned.path("params") instanceof ObjectNode p ? p.remove("progressToken") : null;
        ResultFilter.Outcome out;
        try {
            out = ResultFilter.apply(scanned, config, where);
        } catch (RuntimeException | StackOverflowError e) {
            notes.accept("egress: a " + method + " could not be scanned (" + e.getClass().getSimpleName() + "), not relayed");
            return withheld(n, method, "it could not be checked for sensitive data");
        }
        out.detections().forEach(d -> detections.accept(method + " " + d.describe()));
        if (!out.blocking().isEmpty() || out.reason() != null) {
            String why = out.reason() != null ? out.reason() : "it holds data of class " + String.join(", ", new TreeSet<>(out.blocking()));
            notes.accept("egress: a " + method + " was withheld: " + why);
            return withheld(n, method, why);
        }
        ObjectNode clean = out.result();
        if (token != null && clean.get("params") instanceof ObjectNode p) {
            p.set("progressToken", token);
        }
        return clean;
    }

    /** A log message or progress notification with its text replaced by a note; null for anything else (dropped). */
    private static ObjectNode withheld(ObjectNode n, String method, String why) {
        String note = "Withheld by Portcullis (egress): " + why;
        ObjectNode params = Json.object();
        JsonNode original = n.path("params");
        switch (method) {
            case "notifications/message" -> {
                params.put("level", original.path("level").asString("info"));
                if (original.path("logger").isString()) {
                    params.put("logger", "portcullis");
                }
                params.put("data", note);
            }
            case "notifications/progress" -> {
                params.set("progressToken", original.get("progressToken"));
                params.set("progress", original.get("progress"));
                if (original.has("total")) {
                    params.set("total", original.get("total"));
                }
                params.put("message", note);
            }
            default -> {
                return null;
            }
        }
        ObjectNode out = Json.object().put("jsonrpc", "2.0").put("method", method);
        out.set("params", params);
        return out;
    }

    @Override
    public ObjectNode request(String method, ObjectNode params) throws GatewayException {
        ObjectNode envelope = Json.object();
        envelope.set("params", params == null ? Json.object() : params);
        ResultFilter.Outcome out;
        try {
            out = ResultFilter.apply(envelope, config, where);
        } catch (RuntimeException | StackOverflowError e) {
            trail.note("egress: a " + method + " request could not be scanned: " + e.getClass().getSimpleName());
            throw new GatewayException.Refused("egress", "the " + method
                    + " request could not be checked for sensitive data, so it was not sent to the client");
        }
        out.detections().forEach(d -> trail.redaction(method + " " + d.describe()));
        if (!out.blocking().isEmpty()) {
            throw new GatewayException.Refused("egress", "the " + method + " request was not sent to the client: it holds data of class "
                    + String.join(", ", new TreeSet<>(out.blocking())));
        }
        if (out.reason() != null) {
            throw new GatewayException.Refused("egress", "the " + method + " request was not sent to the client: " + out.reason());
        }
        return client.request(method, (ObjectNode) out.result().get("params"));
    }

    @Override
    public void attach(Runnable canceller) {
        client.attach(canceller);
    }

    @Override
    public void reached(String upstream) {
        client.reached(upstream);
    }

    @Override
    public ClientKey owner() {
        return client.owner();
    }

    /**
     * An upstream's log message tied to no call (#11 item 21), as the sessions of that upstream
     * may see it: scanned with the upstream's actions (no tool, no environment: the sessions may
     * be in several). Null when it must not be sent.
     *
     * @param found receives each detection (class, count, place, action; never the value)
     */
    public static ObjectNode untied(EgressConfig config, String upstream, ObjectNode message, Consumer<String> found) {
        if (config == null) {
            return null; // fail closed: no settings, nothing unscanned goes out
        }
        if (!config.enabled()) {
            return message;
        }
        return notification(message, config, new ResultFilter.Where(null, null, upstream, "u:" + upstream), found, found);
    }
}
