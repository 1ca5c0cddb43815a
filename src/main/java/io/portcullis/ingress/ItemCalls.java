package io.portcullis.ingress;

import io.portcullis.Snapshot;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ItemEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
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
 * (the one function for both), and every request that returns data or starts work runs the
 * snapshot's read chain ({@code io.portcullis.Chains#read}): a log line and an audit record,
 * refused or not. Everything runs on the snapshot the dispatcher read once for the request (#12 item 1).
 */
final class ItemCalls {
    private final io.portcullis.killswitch.KillSwitches kills;

    /** @param kills the node's run-time kill switches (#14 item 2): killed items are not listed */
    ItemCalls(io.portcullis.killswitch.KillSwitches kills) {
        this.kills = kills;
    }

    private boolean admitted(Snapshot snap, ClientSession s, Optional<ItemEntry> entry, String described) {
        return ItemAdmission.refusal(entry, described, s.principal(), s.environment(), null, snap.policy(),
                snap.readiness(), null, kills).isEmpty();
    }

    List<ObjectNode> prompts(Snapshot snap, ClientSession s) {
        Catalog c = snap.catalog();
        List<ObjectNode> out = new ArrayList<>();
        for (Catalog.Item p : c.prompts()) {
            var q = c.quarantine("prompt:" + p.name()); // #15 item 1: hidden, or listed as pinned
            if ((q.isEmpty() || q.get().shown() != null) && admitted(snap, s, c.promptEntry(p.name()), "prompt " + p.name())) {
                out.add(q.map(Catalog.Quarantine::shown).orElse(p.definition()));
            }
        }
        return out;
    }

    /** Listed resources ({@code templates} false) or resource templates the session may have. */
    List<ObjectNode> resources(Snapshot snap, ClientSession s, boolean templates) {
        Catalog c = snap.catalog();
        List<ObjectNode> out = new ArrayList<>();
        for (Catalog.Item r : templates ? c.templates() : c.resources()) {
            var q = c.quarantine((templates ? "template:" : "resource:") + r.name()); // #15 item 1, templates: item 2 of the audit
            if ((q.isEmpty() || q.get().shown() != null) && admitted(snap, s, c.entry(r), "resource " + r.name())) {
                out.add(q.map(Catalog.Quarantine::shown).orElse(r.definition()));
            }
        }
        return out;
    }

    ObjectNode promptsGet(Snapshot snap, ClientSession s, Message msg, Outbound out, Origin origin)
            throws ProtocolException, GatewayException {
        String name = msg.params().path("name").asString("");
        Catalog.Item p = snap.catalog().prompt(name)
                .orElseThrow(() -> new ProtocolException(ErrorCodes.INVALID_PARAMS, "Unknown prompt: " + name));
        return run(snap, s, msg, out, origin, name, p.upstream());
    }

    /** resources/read and resources/subscribe: the upstream that serves the URI, then the read chain. */
    ObjectNode byResource(Snapshot snap, ClientSession s, Message msg, Outbound out, Origin origin, Optional<String> owner)
            throws ProtocolException, GatewayException {
        String uri = msg.params().path("uri").asString("");
        String upstream = owner.orElseThrow(() -> new ProtocolException(s.version().isModern() ? ErrorCodes.INVALID_PARAMS : -32002,
                "Resource not found: " + uri, Json.object().put("uri", uri)));
        return run(snap, s, msg, out, origin, uri, upstream);
    }

    ObjectNode complete(Snapshot snap, ClientSession s, Message msg, Outbound out, Origin origin)
            throws ProtocolException, GatewayException {
        JsonNode ref = msg.params().path("ref");
        String type = ref.path("type").asString("");
        Catalog c = snap.catalog();
        if ("ref/prompt".equals(type)) {
            String name = ref.path("name").asString("");
            Catalog.Item p = c.prompt(name)
                    .orElseThrow(() -> new ProtocolException(ErrorCodes.INVALID_PARAMS, "Unknown prompt: " + name));
            return run(snap, s, msg, out, origin, name, p.upstream());
        }
        if ("ref/resource".equals(type)) {
            String uri = ref.path("uri").asString("");
            String owner = c.resourceOwner(uri)
                    .orElseThrow(() -> new ProtocolException(ErrorCodes.INVALID_PARAMS, "Unknown resource template: " + uri));
            return run(snap, s, msg, out, origin, uri, owner);
        }
        throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "completion/complete needs ref.type ref/prompt or ref/resource");
    }

    /** Through the snapshot's read chain of the method: log line, audit record, admission, then the upstream. */
    private ObjectNode run(Snapshot snap, ClientSession s, Message msg, Outbound out, Origin origin, String item, String upstream)
            throws GatewayException {
        SessionRelay relay = new SessionRelay(s, out, msg.id());
        CallContext call = Dispatcher.callContext(s, msg, item, relay, origin);
        call.trail().upstream(upstream);
        try {
            return snap.chains().read(msg.method()).call(call);
        } finally {
            relay.done();
        }
    }
}
