package io.portcullis.catalog;

import io.portcullis.config.GatewayConfig;
import io.portcullis.config.UpstreamConfig;
import io.portcullis.upstream.Upstream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The aggregated, immutable view of what every upstream offers: tools and prompts under
 * namespaced names, resources and templates under their own URIs with the upstream that owns
 * each. Rebuilt (never edited) when an upstream's listing or the config changes.
 */
public final class Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
    /** The spec's alphabet for tool names. */
    public static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    /** A prompt, resource or template and the upstream that owns it. */
    public record Item(String name, String upstream, String upstreamName, ObjectNode definition) {}

    private final Map<String, ToolEntry> tools;
    private final Map<String, Item> prompts;
    private final Map<String, Item> resources;
    private final List<Item> templates;
    private final List<String> problems;
    private final List<Hidden> hidden;

    private Catalog(Map<String, ToolEntry> tools, Map<String, Item> prompts, Map<String, Item> resources,
                    List<Item> templates, List<String> problems, List<Hidden> hidden) {
        this.hidden = hidden;
        this.tools = tools;
        this.prompts = prompts;
        this.resources = resources;
        this.templates = templates;
        this.problems = problems;
    }

    public static final Catalog EMPTY = new Catalog(Map.of(), Map.of(), Map.of(), List.of(), List.of(), List.of());

    /** A tool an upstream offers that is not exposed, and why (for {@code catalog list}, so an owner can adopt it). */
    public record Hidden(String name, String upstream, RiskClass derivedRisk, String why) {}

    /** What one upstream offers: its config (name, prefix) and its latest listing. */
    record Source(UpstreamConfig upstream, Upstream.Listing listing) {}

    /** Builds the catalog from the upstreams' latest listings, in config order. */
    public static Catalog build(GatewayConfig config, Collection<Upstream> upstreams) {
        return build(config, upstreams.stream().map(u -> new Source(u.config(), u.listing())).toList());
    }

    static Catalog build(GatewayConfig config, List<Source> sources) {
        Map<String, ToolEntry> tools = new LinkedHashMap<>();
        Map<String, Item> prompts = new LinkedHashMap<>();
        Map<String, Item> resources = new LinkedHashMap<>();
        List<Item> templates = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Hidden> hidden = new ArrayList<>();
        CatalogConfig cc = config.catalog();
        String sep = config.server().toolSeparator();
        for (Source src : sources) {
            UpstreamConfig u = src.upstream();
            String prefix = u.prefix();
            Upstream.Listing l = src.listing();
            for (JsonNode t : l.tools()) {
                String original = t.path("name").asString("");
                if (!t.isObject() || original.isEmpty()) {
                    problems.add("upstream " + u.name() + ": a listed tool has no name; hidden");
                    continue;
                }
                String exposed = prefix.isEmpty() ? original : prefix + sep + original;
                if (!TOOL_NAME.matcher(exposed).matches()) {
                    problems.add("upstream " + u.name() + ": tool '" + original + "' would be exposed as '" + exposed
                            + "', which is not a valid MCP tool name; hidden");
                    continue;
                }
                if (tools.containsKey(exposed)) {
                    problems.add("upstream " + u.name() + ": tool name '" + exposed + "' is already taken by upstream "
                            + tools.get(exposed).upstream() + "; hidden");
                    continue;
                }
                ObjectNode def = ((ObjectNode) t).deepCopy();
                def.put("name", exposed);
                Entries.entry(config, cc, u.name(), original, exposed, def).ifPresentOrElse(
                        e -> tools.put(exposed, e),
                        () -> hidden.add(new Hidden(exposed, u.name(), RiskClass.derive(annotations(def)),
                                Entries.unlisted(cc, u.name()) == Unlisted.HIDE
                                        ? "not in the catalog (unlisted tools are hidden)"
                                        : "not in the catalog and not read-only by its annotations")));
            }
            for (JsonNode p : l.prompts()) {
                String original = p.path("name").asString("");
                if (!p.isObject() || original.isEmpty()) {
                    problems.add("upstream " + u.name() + ": a listed prompt has no name; hidden");
                    continue;
                }
                String exposed = prefix.isEmpty() ? original : prefix + sep + original;
                if (prompts.containsKey(exposed)) {
                    problems.add("upstream " + u.name() + ": prompt name '" + exposed + "' is already taken by upstream "
                            + prompts.get(exposed).upstream() + "; hidden");
                    continue;
                }
                ObjectNode def = ((ObjectNode) p).deepCopy();
                def.put("name", exposed);
                prompts.put(exposed, new Item(exposed, u.name(), original, def));
            }
            for (JsonNode r : l.resources()) {
                String uri = r.path("uri").asString("");
                if (!r.isObject() || uri.isEmpty()) {
                    problems.add("upstream " + u.name() + ": a listed resource has no uri; hidden");
                    continue;
                }
                if (resources.containsKey(uri)) {
                    problems.add("upstream " + u.name() + ": resource " + uri + " is already offered by "
                            + resources.get(uri).upstream() + "; hidden");
                    continue;
                }
                resources.put(uri, new Item(uri, u.name(), uri, (ObjectNode) r));
            }
            for (JsonNode r : l.templates()) {
                String tpl = r.path("uriTemplate").asString("");
                if (!r.isObject() || tpl.isEmpty()) {
                    problems.add("upstream " + u.name() + ": a listed resource template has no uriTemplate; hidden");
                    continue;
                }
                templates.add(new Item(tpl, u.name(), tpl, (ObjectNode) r));
            }
        }
        problems.forEach(p -> LOG.warn("catalog: {}", p));
        return new Catalog(java.util.Collections.unmodifiableMap(tools), prompts, resources, List.copyOf(templates), List.copyOf(problems), List.copyOf(hidden));
    }

    private static ObjectNode annotations(ObjectNode def) {
        return def.get("annotations") instanceof ObjectNode a ? a : def.objectNode();
    }

    /** Tools offered by upstreams but not exposed, and why. */
    public List<Hidden> hidden() {
        return hidden;
    }

    public Optional<ToolEntry> tool(String exposedName) {
        return Optional.ofNullable(tools.get(exposedName));
    }

    /**
     * Every exposed tool, ordered by upstream name, and each upstream's in the order it listed
     * them (#11 item 21: an upstream's order can carry meaning, e.g. the most useful first).
     * Stable from one listing to the next, so pages stay stable.
     */
    public List<ToolEntry> tools() {
        return tools.values().stream().sorted(java.util.Comparator.comparing(ToolEntry::upstream)).toList();
    }

    public Optional<Item> prompt(String exposedName) {
        return Optional.ofNullable(prompts.get(exposedName));
    }

    public Collection<Item> prompts() {
        return prompts.values();
    }

    public Collection<Item> resources() {
        return resources.values();
    }

    public List<Item> templates() {
        return templates;
    }

    /**
     * The upstream that serves a resource URI: the one that listed it, else the one whose
     * template's fixed prefix (the part before the first '{') is the longest match.
     */
    public Optional<String> resourceOwner(String uri) {
        Item direct = resources.get(uri);
        if (direct != null) {
            return Optional.of(direct.upstream());
        }
        Item best = null;
        int bestLen = -1;
        for (Item t : templates) {
            String tpl = t.name();
            int brace = tpl.indexOf('{');
            String fixed = brace < 0 ? tpl : tpl.substring(0, brace);
            if (uri.startsWith(fixed) && fixed.length() > bestLen) {
                best = t;
                bestLen = fixed.length();
            }
        }
        return Optional.ofNullable(best).map(Item::upstream);
    }

    /**
     * The kinds of listing ({@code tools}, {@code prompts}, {@code resources}) that differ from
     * {@code before}: what connected clients must be told changed. Tool settings count, since
     * they decide what each environment sees.
     */
    public Set<String> changedSince(Catalog before) {
        Set<String> out = new LinkedHashSet<>();
        if (!tools.equals(before.tools)) {
            out.add("tools");
        }
        if (!prompts.equals(before.prompts)) {
            out.add("prompts");
        }
        if (!resources.equals(before.resources) || !templates.equals(before.templates)) {
            out.add("resources");
        }
        return out;
    }

    /** What was hidden while building, and why. */
    public List<String> problems() {
        return problems;
    }
}
