package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ItemEntry;
import io.portcullis.pipeline.CallContext;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.Origin;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.pipeline.Stages;
import io.portcullis.pipeline.stages.ItemAdmission;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP primitives other than tools (#11 item 5): {@code prompts/list}, {@code prompts/get},
 * {@code resources/list}, {@code resources/templates/list}, {@code resources/read},
 * {@code resources/subscribe} and {@code completion/complete}. Each list shows, and each request
 * serves, only what {@link ItemAdmission#refusal} admits for the session's caller and environment
 * (the one function for both), and every request that returns data or starts work leaves a log
 * line and an audit record, refused or not ({@link Stages#read}).
 */
final class ItemCalls {
    /** How the dispatcher reaches an upstream with a session's request. */
    interface Forward {
        ObjectNode to(ClientSession s, Message msg, Outbound out, String upstream, ObjectNode params) throws GatewayException;
    }

    private final Gateway gateway;
    private final Forward forward;

    ItemCalls(Gateway gateway, Forward forward) {
        this.gateway = gateway;
        this.forward = forward;
    }

    private boolean admitted(ClientSession s, Optional<ItemEntry> entry, String described) {
        return ItemAdmission.refusal(entry, described, s.principal(), s.environment(), null, gateway.policy(),
                gateway.readiness(), null).isEmpty();
    }

    List<ObjectNode> prompts(ClientSession s) {
        Catalog c = gateway.catalog();
        List<ObjectNode> out = new ArrayList<>();
        for (Catalog.Item p : c.prompts()) {
            if (admitted(s, c.promptEntry(p.name()), "prompt " + p.name())) {
                out.add(p.definition());
            }
        }
        return out;
    }

    /** Listed resources ({@code templates} false) or resource templates the session may have. */
    List<ObjectNode> resources(ClientSession s, boolean templates) {
        Catalog c = gateway.catalog();
        List<ObjectNode> out = new ArrayList<>();
        for (Catalog.Item r : templates ? c.templates() : c.resources()) {
            if (admitted(s, c.entry(r), "resource " + r.name())) {
                out.add(r.definition());
            }
        }
        return out;
    }

    ObjectNode promptsGet(ClientSession s, Message msg, Outbound out, Origin origin) throws ProtocolException, GatewayException {
        String name = msg.params().path("name").asString("");
        Catalog c = gateway.catalog();
        Catalog.Item p = c.prompt(name)
                .orElseThrow(() -> new ProtocolException(ErrorCodes.INVALID_PARAMS, "Unknown prompt: " + name));
        ObjectNode params = msg.params().deepCopy();
        params.put("name", p.upstreamName());
        return admitted(s, msg, out, origin, name, p.upstream(), params, c.promptEntry(name), "prompt " + name);
    }

    /** resources/read and resources/subscribe: the upstream that serves the URI, then admission. */
    ObjectNode byResource(ClientSession s, Message msg, Outbound out, Origin origin, Optional<String> owner)
            throws ProtocolException, GatewayException {
        String uri = msg.params().path("uri").asString("");
        String upstream = owner.orElseThrow(() -> new ProtocolException(s.version().isModern() ? ErrorCodes.INVALID_PARAMS : -32002,
                "Resource not found: " + uri, Json.object().put("uri", uri)));
        return admitted(s, msg, out, origin, uri, upstream, msg.params(),
                gateway.catalog().resourceEntry(upstream, uri), "resource " + uri);
    }

    ObjectNode complete(ClientSession s, Message msg, Outbound out, Origin origin) throws ProtocolException, GatewayException {
        JsonNode ref = msg.params().path("ref");
        String type = ref.path("type").asString("");
        Catalog c = gateway.catalog();
        if ("ref/prompt".equals(type)) {
            String name = ref.path("name").asString("");
            Catalog.Item p = c.prompt(name)
                    .orElseThrow(() -> new ProtocolException(ErrorCodes.INVALID_PARAMS, "Unknown prompt: " + name));
            ObjectNode params = msg.params().deepCopy();
            ((ObjectNode) params.get("ref")).put("name", p.upstreamName());
            return admitted(s, msg, out, origin, name, p.upstream(), params, c.promptEntry(name), "prompt " + name);
        }
        if ("ref/resource".equals(type)) {
            String uri = ref.path("uri").asString("");
            String owner = c.resourceOwner(uri)
                    .orElseThrow(() -> new ProtocolException(ErrorCodes.INVALID_PARAMS, "Unknown resource template: " + uri));
            return admitted(s, msg, out, origin, uri, owner, msg.params(), c.resourceEntry(owner, uri), "resource " + uri);
        }
        throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "completion/complete needs ref.type ref/prompt or ref/resource");
    }

    /** Through the short pipeline: log line, audit record, admission, then the upstream. */
    private ObjectNode admitted(ClientSession s, Message msg, Outbound out, Origin origin, String item, String upstream,
                                ObjectNode params, Optional<ItemEntry> entry, String described) throws GatewayException {
        SessionRelay relay = new SessionRelay(s, out, msg.id());
        CallContext call = Dispatcher.callContext(s, msg, item, relay, origin);
        call.trail().upstream(upstream);
        ItemAdmission admission = new ItemAdmission(entry, described, gateway.policy(), gateway.readiness());
        try {
            return new Pipeline(Stages.read(gateway.audit(), msg.method(), admission, () -> gateway.config().egress()),
                    c -> forward.to(s, msg, out, upstream, params)).call(call);
        } finally {
            relay.done();
        }
    }
}
