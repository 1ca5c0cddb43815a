package io.portcullis.catalog;

import io.portcullis.settings.UpstreamConfig;
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
import tools.jackson.databind.node.JsonNodeFactory;
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
    private final List<Waiting> waiting;

    /**
     * An upstream that has never listed its tools (it is starting, or never started): the names
     * it would answer to, so that a call to one is refused as "starting", not as an unknown tool.
     *
     * @param catalogued the catalog's tool names under its prefix
     * @param anyName    whether its unlisted tools would be exposed, so any name under its prefix may be its
     */
    private record Waiting(Offering upstream, String namePrefix, Set<String> catalogued, boolean anyName) {
        boolean answersTo(String tool) {
            return tool.startsWith(namePrefix) && (anyName || catalogued.contains(tool));
        }
    }

    /** The config the catalog was built from: resource and prompt entries are worked out from it (#11 item 5). */
    private final CatalogSettings config;

    /**
     * #15 item 1: a tool (or prompt, resource) whose served definition is not the pinned one, or
     * whose pin cannot be read: refused by the {@code pin} control, and hidden from its list or
     * listed in its pinned form.
     *
     * @param reason why, naming the control {@code pin}
     * @param shown  the pinned definition, under the exposed name, to list instead; null to hide it
     */
    public record Quarantine(String reason, ObjectNode shown) {}

    /**
     * Quarantined items by {@code tool:}, {@code prompt:}, {@code resource:}, {@code template:} or {@code instructions:}
     * and exposed name, URI, URI template or upstream name (#15 item 1).
     */
    private Map<String, Quarantine> quarantine = Map.of();

    /** #15 item 1: each upstream's handshake instructions, as an item {@code {"instructions": TEXT}} named after it. */
    private Map<String, Item> instructions = Map.of();

    private Catalog(CatalogSettings config, Map<String, ToolEntry> tools, Map<String, Item> prompts, Map<String, Item> resources,
                    List<Item> templates, List<String> problems, List<Hidden> hidden, List<Waiting> waiting) {
        this.config = config;
        this.hidden = hidden;
        this.waiting = waiting;
        this.tools = tools;
        this.prompts = prompts;
        this.resources = resources;
        this.templates = templates;
        this.problems = problems;
    }

    public static final Catalog EMPTY = new Catalog(null, Map.of(), Map.of(), Map.of(), List.of(), List.of(), List.of(), List.of());

    /** A tool an upstream offers that is not exposed, and why (for {@code catalog list}, so an owner can adopt it). */
    public record Hidden(String name, String upstream, RiskClass derivedRisk, String why) {}

    /** What one upstream offers: its config (name, prefix) and its latest listing. */
    record Source(UpstreamConfig upstream, Listing listing) {}

    /** Builds the catalog from the upstreams' latest listings, in config order. */
    public static Catalog build(CatalogSettings config, Collection<? extends Offering> upstreams) {
        Catalog built = build(config, upstreams.stream().map(u -> new Source(u.config(), u.listing())).toList());
        String sep = config.server().toolSeparator();
        List<Waiting> waiting = new ArrayList<>();
        for (Offering u : upstreams) {
            if (u.listing().tools().isEmpty()) {
                String prefix = u.config().prefix().isEmpty() ? "" : u.config().prefix() + sep;
                Set<String> catalogued = new LinkedHashSet<>();
                config.catalog().tools().keySet().stream().filter(t -> t.startsWith(prefix)).forEach(catalogued::add);
                waiting.add(new Waiting(u, prefix, Set.copyOf(catalogued), Entries.unlisted(config.catalog(), u.name()) != Unlisted.HIDE));
            }
        }
        Map<String, String> texts = new java.util.TreeMap<>();
        upstreams.forEach(u -> {
            if (u.instructions() != null) {
                texts.put(u.name(), u.instructions());
            }
        });
        return new Catalog(config, built.tools, built.prompts, built.resources, built.templates, built.problems, built.hidden,
                List.copyOf(waiting)).withInstructions(texts);
    }

    /** #15 item 1: this catalog with these upstreams' handshake instructions (by upstream name); quarantines are kept. */
    public Catalog withInstructions(Map<String, String> byUpstream) {
        Catalog c = quarantined(quarantine);
        Map<String, Item> items = new java.util.TreeMap<>();
        byUpstream.forEach((u, text) -> items.put(u, new Item(u, u, u, JsonNodeFactory.instance.objectNode().put("instructions", text))));
        c.instructions = java.util.Collections.unmodifiableMap(items);
        return c;
    }

    /** #15 item 1: every upstream's handshake instructions (item name and upstream: the upstream's name), by upstream name. */
    public Collection<Item> instructions() {
        return instructions.values();
    }

    static Catalog build(CatalogSettings config, List<Source> sources) {
        Map<String, ToolEntry> tools = new LinkedHashMap<>();
        Map<String, Item> prompts = new LinkedHashMap<>();
        Map<String, Item> resources = new LinkedHashMap<>();
        List<Item> templates = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Hidden> hidden = new ArrayList<>();
        CatalogConfig cc = config.catalog();
        String sep = config.server().toolSeparator();
        Map<String, List<String>> toolOwners = Owners.of(sources, sep, Listing::tools);
        Map<String, List<String>> promptOwners = Owners.of(sources, sep, Listing::prompts);
        for (Source src : sources) {
            UpstreamConfig u = src.upstream();
            String prefix = u.prefix();
            Listing l = src.listing();
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
                if (toolOwners.get(exposed).size() > 1) {
                    String why = Owners.collision("tool", exposed, toolOwners.get(exposed));
                    if (!problems.contains(why)) {
                        problems.add(why);
                    }
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
                if (promptOwners.get(exposed).size() > 1) {
                    String why = Owners.collision("prompt", exposed, promptOwners.get(exposed));
                    if (!problems.contains(why)) {
                        problems.add(why);
                    }
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
        return new Catalog(config, java.util.Collections.unmodifiableMap(tools), prompts, resources, List.copyOf(templates), List.copyOf(problems), List.copyOf(hidden),
                List.of());
    }

    private static ObjectNode annotations(ObjectNode def) {
        return def.get("annotations") instanceof ObjectNode a ? a : def.objectNode();
    }

    /**
     * #15 item 1: the same catalog with these items quarantined (keys {@code tool:NAME},
     * {@code prompt:NAME}, {@code resource:URI}); every other item as it is.
     */
    public Catalog quarantined(Map<String, Quarantine> items) {
        Catalog c = new Catalog(config, tools, prompts, resources, templates, problems, hidden, waiting);
        c.quarantine = Map.copyOf(items);
        c.instructions = instructions;
        return c;
    }

    /** #15 item 1: why the tool is quarantined, or empty when its definition is the pinned one (or pins are off). */
    public Optional<Quarantine> toolQuarantine(String exposedName) {
        return Optional.ofNullable(quarantine.get("tool:" + exposedName));
    }

    /** #15 item 1: why a prompt ({@code prompt:NAME}) or resource ({@code resource:URI}) is quarantined, or empty. */
    public Optional<Quarantine> quarantine(String key) {
        return Optional.ofNullable(quarantine.get(key));
    }

    /** #18 item 1: how many items of a kind ({@code tool}, {@code prompt}, {@code resource}) are quarantined now. */
    public long quarantinedCount(String kind) {
        return quarantine.keySet().stream().filter(k -> k.startsWith(kind + ":")).count();
    }

    /** Tools offered by upstreams but not exposed, and why. */
    public List<Hidden> hidden() {
        return hidden;
    }

    public Optional<ToolEntry> tool(String exposedName) {
        return Optional.ofNullable(tools.get(exposedName));
    }

    /**
     * The upstream a tool that is not (yet) in the catalog would belong to, when that upstream has
     * never listed its tools and is not ready: it is starting, or cannot start (issue #21 item 6).
     * Empty for a name no upstream could answer to: that is an unknown tool.
     */
    public Optional<Offering> notReadyOwner(String exposedName) {
        return waiting.stream().filter(w -> !w.upstream().ready() && w.answersTo(exposedName))
                .map(Waiting::upstream).findFirst();
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
     * #11 item 5: a prompt's admission entry (catalog entry, owner, risk, environments, switch), or
     * empty when it is not offered or not in the catalog (unlisted prompts are hidden by default).
     */
    public Optional<ItemEntry> promptEntry(String exposedName) {
        return config == null ? Optional.empty()
                : prompt(exposedName).flatMap(p -> Items.prompt(config, p.upstream(), p.upstreamName(), p.name()));
    }

    /**
     * #11 item 5: the admission entry of a resource URI, listed or reached through a template: the
     * upstream that serves it ({@link #resourceOwner}) and that upstream's most specific catalog
     * pattern; empty when no upstream serves it or no entry admits it.
     */
    public Optional<ItemEntry> resourceEntry(String uri) {
        return resourceOwner(uri).flatMap(owner -> resourceEntry(owner, uri));
    }

    /** #11 item 5: the admission entry of a resource URI served by {@code upstream}, or empty when no entry admits it. */
    public Optional<ItemEntry> resourceEntry(String upstream, String uri) {
        return config == null ? Optional.empty() : Items.resource(config, upstream, uri);
    }

    /** #11 item 5: the admission entry of a listed resource or template, by the upstream that lists it. */
    public Optional<ItemEntry> entry(Item resourceOrTemplate) {
        return resourceEntry(resourceOrTemplate.upstream(), resourceOrTemplate.name());
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
        return template(uri).map(Item::upstream);
    }

    /** #15 item 2: the template a URI that no upstream listed is read through (longest fixed prefix), or empty. */
    public Optional<Item> template(String uri) {
        return resources.containsKey(uri) ? Optional.empty() : Templates.match(templates, uri);
    }

    /**
     * The kinds of listing ({@code tools}, {@code prompts}, {@code resources}) that differ from
     * {@code before}: what connected clients must be told changed. Tool settings count, since
     * they decide what each environment sees.
     */
    public Set<String> changedSince(Catalog before) {
        Set<String> out = new LinkedHashSet<>();
        if (!tools.equals(before.tools) || !keys("tool:").equals(before.keys("tool:"))) {
            out.add("tools"); // a tool quarantined or released (#15 item 1) changes what clients may list
        }
        // entries and switches decide what each environment sees of prompts and resources too (#11 item 5)
        if (!prompts.equals(before.prompts) || !promptEntries().equals(before.promptEntries())
                || !keys("prompt:").equals(before.keys("prompt:"))) {
            out.add("prompts");
        }
        if (!resources.equals(before.resources) || !templates.equals(before.templates)
                || !resourceEntries().equals(before.resourceEntries()) || !keys("resource:").equals(before.keys("resource:"))
                || !keys("template:").equals(before.keys("template:"))) {
            out.add("resources");
        }
        return out;
    }

    private Set<String> keys(String kind) {
        Set<String> out = new java.util.TreeSet<>();
        quarantine.forEach((k, q) -> {
            if (k.startsWith(kind)) {
                out.add(k + (q.shown() == null ? "" : " shown"));
            }
        });
        return out;
    }

    private List<Optional<ItemEntry>> promptEntries() {
        return prompts.keySet().stream().map(this::promptEntry).toList();
    }

    private List<Optional<ItemEntry>> resourceEntries() {
        List<Optional<ItemEntry>> out = new ArrayList<>();
        resources.values().forEach(r -> out.add(entry(r)));
        templates.forEach(t -> out.add(entry(t)));
        return out;
    }

    /** What was hidden while building, and why. */
    public List<String> problems() {
        return problems;
    }
}
