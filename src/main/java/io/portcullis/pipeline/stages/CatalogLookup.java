package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import tools.jackson.databind.node.ObjectNode;

/**
 * C2.1: a tool that is not in the aggregated catalog is refused; a known one is attached to the
 * call. A tool of an upstream that has not listed its tools yet is refused by the upstream's own
 * "starting, retry in N s" (control {@code upstream}, issue #21 item 6), not as unknown. The step is
 * {@link Admission#lookup} (#12 item 3).
 */
public final class CatalogLookup implements Stage {
    private final Catalog catalog;
    /** #16: the snapshot's config and credentials, for a per-user upstream that has not listed yet; null in the old form. */
    private final UpstreamCredential credentials;
    private final io.portcullis.config.GatewayConfig config;

    /** @param catalog the catalog of the snapshot this chain was built from (#12 item 1), never looked up per call */
    public CatalogLookup(Catalog catalog) {
        this(catalog, null, null);
    }

    /**
     * #16: as above; a call to a tool of a per-user upstream ({@code token_exchange}, {@code user_oauth}) that
     * has never listed its tools (it answers nothing without a user's token) is decided by the credentials
     * stage first: a caller without a grant gets the consent link (or -32042), never "starting" or unknown.
     */
    public CatalogLookup(Catalog catalog, io.portcullis.config.GatewayConfig config, io.portcullis.credentials.Credentials credentials) {
        this.catalog = catalog;
        this.config = config;
        this.credentials = config == null ? null : new UpstreamCredential(config, credentials);
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        ToolEntry entry;
        try {
            entry = Admission.lookup(catalog, call.toolName());
        } catch (GatewayException.UpstreamFailure notListed) {
            throw perUser(call, notListed);
        }
        call.trail().tool(entry); // the trail is the one mutable part of a call (#12 item 6)
        return next.handle(call.withTool(entry));
    }

    /**
     * #16 (issue 16, h9): the tool's owner has not listed yet. When it is reached with each user's own token,
     * the caller's credential is asked first (a caller without a grant is refused with the consent link); a
     * caller with one had their own connection opened and listed before the chain ran (ingress
     * {@code Listings.forCall}), so the tool is not theirs: refused clearly. Any other upstream: as before.
     */
    private GatewayException perUser(CallContext call, GatewayException.UpstreamFailure notListed) throws GatewayException {
        var owner = catalog == null ? java.util.Optional.<io.portcullis.catalog.Offering>empty() : catalog.notReadyOwner(call.toolName());
        var u = owner.isEmpty() || config == null ? null : config.upstreams().get(owner.get().name());
        if (u == null || !io.portcullis.upstream.UserSessions.perUser(u)) {
            return notListed;
        }
        call.trail().upstream(owner.get().name());
        credentials.handle(call, c -> null); // refuses (control credentials) a caller without a credential there
        return new GatewayException.Refused("catalog", "upstream " + owner.get().name() + " lists no tool " + call.toolName()
                + " on your own connection to it");
    }

    @Override
    public String name() {
        return "catalog";
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C2.1");
    }
}
