package io.portcullis.pin;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.store.Store;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 1, rug-pull protection: the first time the gateway sees a tool, prompt or resource of an
 * upstream it pins its definition ({@link Definition}) in the store; when the upstream later serves
 * a different one, the item is quarantined ({@link Catalog.Quarantine}): refused by the control
 * {@code pin} and hidden from its list (or listed in its pinned form), until a reviewer accepts the
 * new definition ({@link PinReviews}). Every new or changed definition is scanned
 * ({@link DefinitionScanner}, #15 item 3); a new one whose findings reach {@code pins.block} is not
 * pinned on sight but waits for review. Fail closed: when the pins cannot be read, every item is
 * quarantined, the reason naming the store's failure.
 */
public final class Pins {
    private static final Logger LOG = LoggerFactory.getLogger(Pins.class);

    private final PinStore store;
    private final String unavailable;
    private final Clock clock;
    private volatile PinsConfig config = PinsConfig.DEFAULTS;

    /** Opens (creates) the {@code pins} table; a failure leaves every item refused, not the gateway down. */
    public Pins(Store store, Clock clock) {
        this.clock = clock;
        PinStore s = null;
        String why = null;
        try {
            s = new PinStore(store);
        } catch (RuntimeException e) {
            why = e.getMessage();
            LOG.error("pins: the pin table cannot be opened, every tool is refused (control pin): {}", why);
        }
        this.store = s;
        this.unavailable = why;
    }

    public void apply(PinsConfig next) {
        config = next;
    }

    public PinsConfig config() {
        return config;
    }

    PinStore store() throws SQLException {
        if (store == null) {
            throw new SQLException("the pin table cannot be opened: " + unavailable);
        }
        return store;
    }

    /** Hears each newly quarantined item (#15 item 5: the owners' on-call webhooks). */
    @FunctionalInterface
    public interface QuarantineListener {
        void quarantined(String kind, String upstream, String exposed, String what);
    }

    private volatile QuarantineListener listener = (kind, upstream, exposed, what) -> { };

    /** Sets who hears of each item quarantined from now on (once per served definition it is quarantined for). */
    public void onQuarantine(QuarantineListener l) {
        this.listener = l;
    }

    /** #15 item 6: hears each pin recorded and each item quarantined, to make them audit records (changelog.ChangeRecords). */
    @FunctionalInterface
    public interface ChangeListener {
        /** {@code event} is {@code pin} or {@code quarantine}; {@code hash} the definition pinned or served; {@code by} who pinned it. */
        void changed(String event, String id, String kind, String upstream, String exposed, String hash, String by, String what);
    }

    private volatile ChangeListener changes = (event, id, kind, upstream, exposed, hash, by, what) -> { };

    public void onChange(ChangeListener l) {
        this.changes = l;
    }

    private void changed(String event, Definition d, String exposed, String by, String what) {
        try {
            changes.changed(event, Review.id(d.upstream(), d.kind(), d.name()), d.kind(), d.upstream(), exposed, d.hash(), by, what);
        } catch (RuntimeException e) {
            LOG.error("pins: the {} record of {} failed: {}", event, exposed, e.toString());
        }
    }

    private void tell(Definition d, String exposed, String what) {
        changed("quarantine", d, exposed, null, what);
        try {
            listener.quarantined(d.kind(), d.upstream(), exposed, what);
        } catch (RuntimeException e) {
            LOG.warn("pins: the quarantine notice of {} failed: {}", exposed, e.toString());
        }
    }

    String now() {
        return clock.instant().toString();
    }

    /**
     * The catalog with every item whose served definition is not its pinned one quarantined; new
     * items are pinned (or queued for review) on the way. With {@code pins.enabled: false}, the
     * catalog as it is.
     */
    public synchronized Catalog check(Catalog catalog) {
        PinsConfig c = config;
        if (!c.enabled()) {
            return catalog;
        }
        Map<String, Catalog.Quarantine> q = new LinkedHashMap<>();
        Map<String, PinStore.Row> rows;
        try {
            rows = store().all();
        } catch (SQLException | RuntimeException e) {
            String why = "the pins cannot be read (" + e.getMessage() + "), so nothing whose definition is not known to be "
                    + "the reviewed one is served (fail closed)";
            LOG.error("pins: {}", why);
            catalog.tools().forEach(t -> q.put("tool:" + t.name(), new Catalog.Quarantine(why, null)));
            catalog.prompts().forEach(p -> q.put("prompt:" + p.name(), new Catalog.Quarantine(why, null)));
            catalog.resources().forEach(r -> q.put("resource:" + r.name(), new Catalog.Quarantine(why, null)));
            catalog.templates().forEach(r -> q.put("template:" + r.name(), new Catalog.Quarantine(why, null)));
            catalog.instructions().forEach(i -> q.put("instructions:" + i.name(), new Catalog.Quarantine(why, null)));
            return catalog.quarantined(q);
        }
        List<DefinitionScanner.Peer> peers = catalog.tools().stream()
                .map(t -> new DefinitionScanner.Peer(t.upstream(), t.upstreamName(), t.name())).toList();
        for (ToolEntry t : catalog.tools()) {
            Definition d = Definition.of("tool", t.upstream(), t.upstreamName(), t.definition());
            check(d, t.name(), c.approved().get(t.name()), rows, peers, c).ifPresent(x -> q.put("tool:" + t.name(), x));
        }
        for (Catalog.Item p : catalog.prompts()) {
            Definition d = Definition.of("prompt", p.upstream(), p.upstreamName(), p.definition());
            check(d, p.name(), null, rows, peers, c).ifPresent(x -> q.put("prompt:" + p.name(), x));
        }
        for (Catalog.Item r : catalog.resources()) {
            Definition d = Definition.of("resource", r.upstream(), r.name(), r.definition());
            check(d, r.name(), null, rows, peers, c).ifPresent(x -> q.put("resource:" + r.name(), x));
        }
        for (Catalog.Item r : catalog.templates()) { // #15 item 2 of the last audit: templates are pinned too
            Definition d = Definition.of("template", r.upstream(), r.name(), r.definition());
            check(d, r.name(), null, rows, peers, c).ifPresent(x -> q.put("template:" + r.name(), x));
        }
        for (Catalog.Item i : catalog.instructions()) { // #15 item 1: the upstream's handshake instructions
            Definition d = Definition.of("instructions", i.upstream(), i.name(), i.definition());
            check(d, i.name(), null, rows, peers, c).ifPresent(x -> q.put("instructions:" + i.name(), x));
        }
        return catalog.quarantined(q);
    }

    private java.util.Optional<Catalog.Quarantine> check(Definition d, String exposed, String approved,
                                                         Map<String, PinStore.Row> rows, List<DefinitionScanner.Peer> peers,
                                                         PinsConfig c) {
        String id = Review.id(d.upstream(), d.kind(), d.name());
        PinStore.Row row = rows.get(id);
        try {
            if (approved != null) {
                return preApproved(d, exposed, approved, row);
            }
            if (row == null) {
                List<Finding> findings = DefinitionScanner.scan(d, peers);
                boolean blocked = blocks(findings, c);
                store().insert(d, !blocked && !c.reviewNew(), "first sight", findings, now());
                if (!blocked && !c.reviewNew()) {
                    changed("pin", d, exposed, "first sight", "pinned " + d.hash());
                    return java.util.Optional.empty();
                }
                if (!blocked) { // #15 item 2: pins.review_new: every new definition waits in the queue
                    LOG.warn("pins: new {} {} of upstream {} waits for review (pins.review_new)", d.kind(), exposed, d.upstream());
                    tell(d, exposed, "new and waiting for review (pins.review_new)");
                    return quarantine(d, exposed, null, "new " + d.kind() + " " + exposed + " of upstream " + d.upstream()
                            + " waits for review (pins.review_new)", id);
                }
                LOG.warn("pins: new {} {} of upstream {} is held for review: {}", d.kind(), exposed, d.upstream(), findings);
                tell(d, exposed, "new and held for review: the definition scanner found " + findings.getFirst());
                return quarantine(d, exposed, null, "new " + d.kind() + " " + exposed + " of upstream " + d.upstream()
                        + " is held for review: the definition scanner found " + findings.getFirst()
                        + (findings.size() > 1 ? " and " + (findings.size() - 1) + " more" : ""), id);
            }
            if (d.hash().equals(row.hash())) {
                if (row.pendingHash() != null) {
                    store().clearPending(d.upstream(), d.kind(), d.name()); // it serves the pinned one again
                }
                return java.util.Optional.empty();
            }
            if (!d.hash().equals(row.pendingHash())) {
                List<Finding> findings = DefinitionScanner.scan(d, peers);
                store().pending(d, findings, now());
                LOG.warn("pins: {} {} of upstream {} changed its definition ({} -> {}); quarantined until reviewed; findings: {}",
                        d.kind(), exposed, d.upstream(), row.hash(), d.hash(), findings);
                tell(d, exposed, row.hash() == null ? "new and waiting for review" : "its definition changed (pinned "
                        + shortHash(row.hash()) + ", served " + shortHash(d.hash()) + "), " + findings.size() + " findings");
            }
            boolean rejected = d.hash().equals(row.pendingHash()) && "rejected".equals(row.pendingState());
            String what = row.hash() == null
                    ? "new " + d.kind() + " " + exposed + " of upstream " + d.upstream() + " waits for review"
                    : d.kind() + " " + exposed + " of upstream " + d.upstream() + " serves a definition that is not the pinned one"
                            + " (pinned " + shortHash(row.hash()) + ", served " + shortHash(d.hash()) + ")";
            return quarantine(d, exposed, row.definition(), what + (rejected ? "; a reviewer rejected it" : ""), id);
        } catch (SQLException | RuntimeException e) {
            LOG.error("pins: cannot record the pin of {} {}: {}", d.kind(), exposed, e.toString());
            return java.util.Optional.of(new Catalog.Quarantine("the pin of " + exposed + " cannot be recorded ("
                    + e.getMessage() + "), so it is refused (fail closed)", null));
        }
    }

    /** #15 item 2: the catalog names the hash: what the upstream serves must be it, reviewed in git, no second click. */
    private java.util.Optional<Catalog.Quarantine> preApproved(Definition d, String exposed, String approved, PinStore.Row row)
            throws SQLException {
        if (approved.equals(d.hash())) {
            if (row == null) {
                store().insert(d, true, "catalog (pins.approved)", List.of(), now());
                changed("pin", d, exposed, "catalog (pins.approved)", "pinned " + d.hash());
            } else if (!approved.equals(row.hash())) {
                store().approve(d, "catalog (pins.approved)", now());
                changed("pin", d, exposed, "catalog (pins.approved)", "pinned " + d.hash());
            }
            return java.util.Optional.empty();
        }
        if (row == null || !d.hash().equals(row.pendingHash())) {
            if (row == null) {
                store().insert(d, false, null, DefinitionScanner.scan(d, List.of()), now());
            } else {
                store().pending(d, DefinitionScanner.scan(d, List.of()), now());
            }
            tell(d, exposed, "it serves " + shortHash(d.hash()) + ", not the pre-approved " + shortHash(approved));
        }
        return quarantine(d, exposed, row == null ? null : row.definition(), "tool " + exposed + " of upstream " + d.upstream()
                + " serves " + shortHash(d.hash()) + ", not the definition the catalog pre-approves (pins.approved: "
                + shortHash(approved) + ")", Review.id(d.upstream(), d.kind(), d.name()));
    }

    private java.util.Optional<Catalog.Quarantine> quarantine(Definition d, String exposed, String pinned, String what, String id) {
        ObjectNode shown = null;
        // #15 item 1: an upstream's changed instructions are withheld and the accepted text served (ServedInstructions)
        if ((config.showPinned() || "instructions".equals(d.kind())) && pinned != null) {
            shown = (ObjectNode) io.portcullis.protocol.Json.parse(pinned);
            if (d.kind().equals("tool") || d.kind().equals("prompt")) {
                shown.put("name", exposed); // a resource's name is its own, its URI is its key
            }
        }
        return java.util.Optional.of(new Catalog.Quarantine(what + "; refused until a reviewer accepts the new definition "
                + "(portcullis review show " + id + ")", shown));
    }

    static boolean blocks(List<Finding> findings, PinsConfig c) {
        Finding.Severity worst = DefinitionScanner.worst(findings);
        return c.block() != null && worst != null && worst.compareTo(c.block()) >= 0;
    }

    static String shortHash(String hash) {
        return hash == null ? "none" : hash.substring(0, Math.min(hash.length(), 19));
    }

    /** The hash of a tool's definition as served now, as {@code pins.approved} takes it (#15 item 2). */
    public static String hash(ToolEntry t) {
        return Definition.of("tool", t.upstream(), t.upstreamName(), t.definition()).hash();
    }

    /** The scanner's findings on a tool's definition as served now, for {@code catalog list} (#15 item 3). */
    public static List<Finding> findings(Catalog catalog, ToolEntry t) {
        List<DefinitionScanner.Peer> peers = new ArrayList<>();
        catalog.tools().forEach(o -> peers.add(new DefinitionScanner.Peer(o.upstream(), o.upstreamName(), o.name())));
        return DefinitionScanner.scan(Definition.of("tool", t.upstream(), t.upstreamName(), t.definition()), peers);
    }
}
