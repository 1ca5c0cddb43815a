package io.portcullis.ingress;

import io.portcullis.Snapshot;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.pipeline.stages.Admission;
import io.portcullis.pipeline.stages.ReadinessGate;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * The lists a session sees ({@code tools/list}, and the paging of every list), on the snapshot its
 * request read (#12 item 1): the tools are those the one admission decision lets the caller see
 * ({@link Admission#listed}, #12 item 3), marked when the G1 gate refuses them in {@code list: mark}
 * mode. Moved out of {@link Dispatcher} (#12 item 7: split by what it does).
 */
final class Listings {
    private Listings() {}

    /** The tools this session's caller may see in its environment: the one admission decision (#12 item 3). */
    static List<ToolEntry> visibleTools(Snapshot snap, ClientSession s, io.portcullis.killswitch.KillSwitches kills) {
        List<ToolEntry> out = new ArrayList<>();
        java.util.Map<String, java.util.Optional<java.util.Set<String>>> own = new java.util.HashMap<>();
        for (ToolEntry t : snap.catalog().tools()) {
            if (!ownListing(snap, s, own, t)) {
                continue;
            }
            // #14 item 2 (C6.2): a tool a run-time kill switch refuses is hidden, like one the config switches off
            if (io.portcullis.pipeline.stages.KillSwitchStage.listed(kills, t, s.environment()) && Admission.listed(snap.catalog(), snap.policy(), snap.readiness(), snap.config().readiness().list(),
                    s.principal(), s.environment(), t)) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * #16: before a caller's {@code tools/list}, their own connection to each upstream reached with each user's own
     * token is opened (when they have a credential there). When one of them gave the catalog its first listing
     * (the upstream lists nothing without a user's token), the listing is served from the snapshot made with it.
     */
    static Snapshot withOwnListings(io.portcullis.Gateway gateway, Snapshot snap, ClientSession s) {
        boolean adopted = false;
        for (io.portcullis.upstream.Upstream u : snap.upstreams().values()) {
            if (io.portcullis.upstream.UserSessions.perUser(u.config())) {
                boolean before = u.listing().tools().isEmpty();
                io.portcullis.upstream.UserSessions.toolsOf(u, s.principal());
                adopted |= before && !u.listing().tools().isEmpty();
            }
        }
        return adopted ? gateway.snapshot() : snap;
    }

    /**
     * #16 (h9): a call to a tool the catalog does not know yet whose upstream is reached with each user's own
     * token and has never listed (it answers nothing without a user's token): the caller's own connection is
     * opened and lists first (only when they have a credential there; else nothing is opened and the chain's
     * credentials step offers the consent link), and the call runs on the snapshot made with that listing.
     */
    static Snapshot forCall(io.portcullis.Gateway gateway, Snapshot snap, ClientSession s, ObjectNode params) {
        String name = params == null ? "" : params.path("name").asString("");
        if (snap.catalog() == null || snap.catalog().tool(name).isPresent() || s.principal() == null) {
            return snap;
        }
        var owner = snap.catalog().notReadyOwner(name);
        io.portcullis.upstream.Upstream u = owner.isEmpty() ? null : snap.upstreams().get(owner.get().name());
        if (u == null || !io.portcullis.upstream.UserSessions.perUser(u.config())) {
            return snap;
        }
        io.portcullis.upstream.UserSessions.toolsOf(u, s.principal());
        return u.listing().tools().isEmpty() ? snap : gateway.snapshot();
    }

    /**
     * #16: a tool of an upstream reached with each user's own token is listed to a caller only when the caller's
     * own upstream connection lists it (the upstream may show users different tools); a caller without a
     * credential there sees none of its tools (fail closed: never another user's listing). Still filtered by
     * catalog, policy and pins as every tool. One look per upstream and listing.
     */
    private static boolean ownListing(Snapshot snap, ClientSession s, java.util.Map<String, java.util.Optional<java.util.Set<String>>> own,
                                      ToolEntry t) {
        io.portcullis.upstream.Upstream u = snap.upstreams().get(t.upstream());
        if (u == null || !io.portcullis.upstream.UserSessions.perUser(u.config())) {
            return true;
        }
        java.util.Optional<java.util.Set<String>> names = own.computeIfAbsent(t.upstream(),
                k -> java.util.Optional.ofNullable(io.portcullis.upstream.UserSessions.toolsOf(u, s.principal())));
        return names.map(n -> n.contains(t.upstreamName())).orElse(true);
    }

    static ObjectNode tools(Snapshot snap, ClientSession s, ObjectNode params, io.portcullis.killswitch.KillSwitches kills)
            throws ProtocolException {
        List<ObjectNode> defs = new ArrayList<>();
        var gate = Admission.gateOf(snap.readiness(), s.environment());
        for (ToolEntry t : visibleTools(snap, s, kills)) {
            // #15 item 1: a quarantined tool listed (pins.quarantined: pinned) is listed as it was pinned
            ObjectNode d = ReadinessGate.marked(snap.catalog().toolQuarantine(t.name())
                    .map(q -> q.shown()).orElse(t.definition()), t, gate);
            // #14 item 1: an upstream whose breaker is open keeps its tools listed, marked like the gate marks (G1)
            io.portcullis.upstream.Upstream u = snap.upstreams().get(t.upstream());
            d = io.portcullis.resilience.BreakerMark.marked(d, t.upstream(), u == null ? null : u.protection());
            if (s.version().isModern() && d.has("execution")) {
                d = d.deepCopy();
                d.remove("execution");
            }
            defs.add(d);
        }
        return page(snap, params, "tools", defs);
    }

    static ObjectNode page(Snapshot snap, ObjectNode params, String key, List<ObjectNode> items) throws ProtocolException {
        ObjectNode r = Json.object();
        Paging.page(r, key, items.stream().map(Listings::stripped).toList(), Paging.offset(params), snap.config().server().pageSize());
        return r;
    }

    /**
     * #15 item 3: what reaches a client of an upstream's definition has no ANSI escape sequence and
     * no invisible character in any {@code description} or {@code title}, however deep (the input
     * schema's property descriptions too). A copy when something was removed; the same object otherwise.
     */
    static ObjectNode stripped(ObjectNode def) {
        if (!hasHidden(def)) {
            return def;
        }
        ObjectNode copy = def.deepCopy();
        strip(copy);
        return copy;
    }

    private static boolean hasHidden(tools.jackson.databind.JsonNode n) {
        if (n.isObject()) {
            for (var e : n.properties()) {
                if (described(e.getKey()) && e.getValue().isString() && io.portcullis.text.Visible.hasHidden(e.getValue().asString())) {
                    return true;
                }
                if (hasHidden(e.getValue())) {
                    return true;
                }
            }
        } else if (n.isArray()) {
            for (var x : n) {
                if (hasHidden(x)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void strip(tools.jackson.databind.JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (String k : List.copyOf(o.propertyNames())) {
                var v = o.get(k);
                if (described(k) && v.isString()) {
                    o.put(k, io.portcullis.text.Stripped.strip(v.asString()));
                } else {
                    strip(v);
                }
            }
        } else if (n.isArray()) {
            n.forEach(Listings::strip);
        }
    }

    private static boolean described(String key) {
        return key.equals("description") || key.equals("title");
    }
}
