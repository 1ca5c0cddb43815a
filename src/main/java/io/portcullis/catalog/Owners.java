package io.portcullis.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Who offers each exposed name of the catalog (#11 item 4), split out of {@link Catalog}. */
final class Owners {
    private Owners() {}

    /**
     * #11 item 4: who offers each exposed name. The config keeps prefixes apart, so a name offered
     * twice comes from one upstream listing it twice, or from listings changed at run time; then
     * no one of them may have the name (which one a call would reach, and which catalog entry
     * would govern it, is not knowable), so every tool of that name is hidden until it is unique.
     */
    static Map<String, List<String>> of(List<Catalog.Source> sources, String sep,
                                                    java.util.function.Function<Listing, Iterable<JsonNode>> items) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        for (Catalog.Source src : sources) {
            String prefix = src.upstream().prefix();
            for (JsonNode t : items.apply(src.listing())) {
                String original = t.path("name").asString("");
                if (t.isObject() && !original.isEmpty()) {
                    out.computeIfAbsent(prefix.isEmpty() ? original : prefix + sep + original, k -> new ArrayList<>())
                            .add(src.upstream().name());
                }
            }
        }
        return out;
    }

    static String collision(String kind, String exposed, List<String> upstreams) {
        return kind + " name '" + exposed + "' is offered more than once (by " + String.join(", ", upstreams)
                + "); every " + kind + " of that name is hidden until it is unique";
    }
}
