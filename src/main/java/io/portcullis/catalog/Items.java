package io.portcullis.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the effective entry of a resource or prompt from the catalog and its upstream's defaults
 * (#11 item 5), as {@link Entries} does for tools. Unlisted ones are hidden unless their upstream's
 * rule is {@code unlisted: allow}: {@code allow_read_only} does not let them through, because what a
 * resource or prompt risks is what it reveals, and no annotation can say that is harmless.
 */
final class Items {
    private Items() {}

    /** A prompt's entry, or empty when unlisted and hidden. */
    static Optional<ItemEntry> prompt(CatalogSettings config, String upstream, String original, String exposed) {
        ItemSpec spec = config.catalog().prompts().get(exposed);
        if (spec != null && !spec.binding().is(upstream, original)) {
            spec = null; // written for another upstream's prompt (#11 item 4)
        }
        return entry(config, ItemEntry.Kind.PROMPT, upstream, exposed, original, spec, exposed);
    }

    /**
     * The entry of a resource URI (or a template's uriTemplate) served by {@code upstream}: the
     * most specific pattern of that upstream that matches (the longest; among equals, the first
     * in alphabetical order). A pattern written for another upstream never applies.
     */
    static Optional<ItemEntry> resource(CatalogSettings config, String upstream, String uri) {
        Optional<Map.Entry<String, ItemSpec>> best = config.catalog().resources().entrySet().stream()
                .filter(e -> e.getValue().binding().upstream().equals(upstream) && Globs.matches(e.getKey(), uri))
                .min(Comparator.<Map.Entry<String, ItemSpec>>comparingInt(e -> -e.getKey().length())
                        .thenComparing(Map.Entry::getKey));
        ItemSpec spec = best.map(Map.Entry::getValue).orElse(null);
        return entry(config, ItemEntry.Kind.RESOURCE, upstream, uri, uri, spec, best.map(Map.Entry::getKey).orElse(uri));
    }

    private static Optional<ItemEntry> entry(CatalogSettings config, ItemEntry.Kind kind, String upstream, String name,
                                             String upstreamName, ItemSpec spec, String switchKey) {
        CatalogConfig cc = config.catalog();
        if (spec == null && Entries.unlisted(cc, upstream) != Unlisted.ALLOW) {
            return Optional.empty();
        }
        CatalogConfig.UpstreamDefaults ud = cc.upstreams().get(upstream);
        Owner owner = spec != null && spec.owner() != null ? spec.owner() : ud == null ? null : ud.owner();
        List<String> envs = spec != null && !spec.environments().isEmpty() ? spec.environments()
                : ud == null ? List.of() : ud.environments();
        List<String> labels = new ArrayList<>(ud == null ? List.of() : ud.labels());
        if (spec != null) {
            labels.addAll(spec.labels());
        }
        RiskClass risk = spec == null ? RiskClass.READ_ONLY : spec.risk();
        return Optional.of(new ItemEntry(kind, name, upstream, upstreamName, spec, risk, owner, envs, labels,
                config.tool(switchKey)));
    }
}
