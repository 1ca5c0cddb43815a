package io.portcullis.catalog;

import io.portcullis.config.GatewayConfig;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.protocol.Json;
import io.portcullis.upstream.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;

/** Builds a catalog from listings given by hand, for tests of other packages (no upstream processes). */
public final class Catalogs {
    private Catalogs() {}

    /** The catalog the config yields when each upstream lists these tools (upstreams not named list none). */
    public static Catalog of(GatewayConfig cfg, Map<String, ArrayNode> toolsByUpstream) {
        List<Catalog.Source> sources = new ArrayList<>();
        for (UpstreamConfig u : cfg.upstreams().values()) {
            ArrayNode tools = toolsByUpstream.getOrDefault(u.name(), Json.array());
            sources.add(new Catalog.Source(u, new Listing(tools, Json.array(), Json.array(), Json.array())));
        }
        return Catalog.build(cfg, sources);
    }

    /** The catalog the config yields when each upstream lists these listings (upstreams not named list nothing). */
    public static Catalog ofListings(GatewayConfig cfg, Map<String, Listing> listings) {
        List<Catalog.Source> sources = new ArrayList<>();
        for (UpstreamConfig u : cfg.upstreams().values()) {
            sources.add(new Catalog.Source(u, listings.getOrDefault(u.name(), Listing.EMPTY)));
        }
        return Catalog.build(cfg, sources);
    }
}
