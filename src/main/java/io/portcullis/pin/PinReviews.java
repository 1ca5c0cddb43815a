package io.portcullis.pin;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 2 (C7.2): the review queue of pinned definitions. New definitions the scanner blocked
 * and changed ones wait here; a reviewer sees the pinned and the served definition side by side
 * with the scanner's findings, and accepts (the served one becomes the pin, and the item is
 * released) or rejects (it stays refused). Only a principal with one of the roles in
 * {@code pins.reviewers} decides; a definition with findings at {@code pins.block} or worse is
 * accepted only with an override reason, which is recorded. Every decision is an audit record
 * (kind {@code pin_review}), written before the decision takes effect: a decision that cannot be
 * recorded is not taken.
 */
public final class PinReviews {
    /** Writes a decision's audit record durably, or throws. */
    @FunctionalInterface
    public interface Recorder {
        void record(ObjectNode decision) throws Exception;
    }

    /** A decision that was refused, and why (shown to the reviewer as it is). */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** Who changed an upstream's config last (#15 item 2): they may not review its definitions. */
    @FunctionalInterface
    public interface Authors {
        List<String> of(String upstream) throws SQLException;
    }

    private final Pins pins;
    private final Recorder recorder;
    private final Runnable changed;
    private volatile Authors authors = upstream -> List.of();

    /**
     * @param recorder writes each decision's audit record
     * @param changed  run after a decision took effect (the gateway re-checks its catalog and tells clients)
     */
    public PinReviews(Pins pins, Recorder recorder, Runnable changed) {
        this.pins = pins;
        this.recorder = recorder;
        this.changed = changed;
    }

    /** Sets who last changed each upstream's config (the change control's record). */
    public void authors(Authors authors) {
        this.authors = authors;
    }

    /** Every definition waiting for review or rejected, by upstream, kind and name. */
    public List<Review> list() throws SQLException {
        List<Review> out = new ArrayList<>();
        for (PinStore.Row r : pins.store().all().values()) {
            if (r.pendingHash() != null) {
                out.add(review(r));
            }
        }
        return out;
    }

    /** The review of {@code id} ({@code UPSTREAM/KIND/NAME}), or empty when nothing of that id waits. */
    public Optional<Review> show(String id) throws SQLException {
        return list().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /**
     * Accepts the served definition with {@code hash} of {@code id}.
     *
     * @param override the reason to accept despite blocking findings, or null
     * @throws Refused without the reviewer role, for a hash that is not what waits, or for blocking
     *                 findings without an override; or when the decision cannot be recorded
     */
    public Review accept(String id, String hash, Principal reviewer, String override) throws Refused, SQLException {
        Review r = waiting(id, hash, reviewer);
        boolean blocked = Pins.blocks(r.findings(), pins.config());
        if (blocked && (override == null || override.isBlank())) {
            throw new Refused(id + " has findings at or above the blocking severity (" + pins.config().block().id() + "): "
                    + r.findings().getFirst() + "; accepting it needs an override with a reason, which is recorded");
        }
        int quorum = pins.config().reviewQuorum();
        if (quorum > 1) {
            // #15 item 2 "production can require two reviewers": distinct reviewers, each recorded; the last one releases it
            List<String> before = pins.store().approvals().of(id, r.servedHash());
            if (before.contains(reviewer.subject())) {
                throw new Refused(reviewer.subject() + " already accepted " + id + " (" + r.servedHash() + "); it needs " + quorum
                        + " distinct reviewers (pins.quorum)");
            }
            List<String> after = new ArrayList<>(before);
            after.add(reviewer.subject());
            if (after.size() < quorum) {
                record(r, reviewer, "accepted " + after.size() + " of " + quorum, blocked ? override : null);
                if (!pins.store().approvals().add(id, r.servedHash(), before, after)) {
                    throw new Refused(id + " was accepted by someone else meanwhile; show it again");
                }
                return r;
            }
        }
        record(r, reviewer, "accepted", blocked ? override : null);
        pins.store().approvals().clear(id);
        if (!pins.store().accept(r.upstream(), r.kind(), r.name(), r.servedHash(), reviewer.subject(), pins.now())) {
            throw new Refused(id + " changed while it was being accepted; show it again");
        }
        changed.run();
        return r;
    }

    /** The reviewers who accepted what waits as {@code id} so far, while {@code pins.quorum} needs more (#15 item 2). */
    public List<String> approvals(Review r) throws SQLException {
        return pins.store().approvals().of(r.id(), r.servedHash());
    }

    /** Rejects the served definition with {@code hash} of {@code id}: it stays refused. */
    public Review reject(String id, String hash, Principal reviewer, String reason) throws Refused, SQLException {
        Review r = waiting(id, hash, reviewer);
        record(r, reviewer, "rejected", reason);
        pins.store().approvals().clear(id); // one reviewer's rejection stands: the earlier accepts no longer count
        if (!pins.store().reject(r.upstream(), r.kind(), r.name(), r.servedHash())) {
            throw new Refused(id + " changed while it was being rejected; show it again");
        }
        changed.run();
        return r;
    }

    private Review waiting(String id, String hash, Principal reviewer) throws Refused, SQLException {
        List<String> roles = pins.config().reviewers();
        if (reviewer == null || reviewer.roles().stream().noneMatch(roles::contains)) {
            throw new Refused("only a reviewer decides on a pinned definition: "
                    + (reviewer == null ? "no principal" : reviewer.subject() + " has none of the roles " + roles)
                    + " (pins.reviewers)");
        }
        Review r = show(id).orElseThrow(() -> new Refused("nothing waits for review as " + id));
        if (authors.of(r.upstream()).contains(reviewer.subject())) {
            // #15 item 2: a second person reviews what the author of the upstream's config change let in
            throw new Refused(reviewer.subject() + " made the last config change of upstream " + r.upstream()
                    + " (change_control.author or owner of the config file): a second person reviews its definitions");
        }
        if (hash == null || !hash.equals(r.servedHash())) {
            throw new Refused("the definition of " + id + " that waits is " + r.servedHash() + ", not " + hash
                    + ": decide on what you reviewed (portcullis review show " + id + ")");
        }
        return r;
    }

    private void record(Review r, Principal reviewer, String outcome, String reason) throws Refused {
        ObjectNode rec = Json.object();
        ObjectNode p = rec.putObject("principal").put("subject", reviewer.subject()).put("kind", reviewer.kind().name().toLowerCase(
                java.util.Locale.ROOT));
        reviewer.roles().forEach(p.putArray("roles")::add);
        rec.putObject("upstream").put("name", r.upstream());
        if ("tool".equals(r.kind())) {
            rec.putObject("tool").put("name", r.name());
        }
        ObjectNode d = rec.putObject("decision").put("outcome", outcome).put("control", "pin");
        if (reason != null) {
            d.put(outcome.startsWith("accepted") ? "override" : "reason", reason);
        }
        ObjectNode pin = rec.putObject("pin").put("id", r.id()).put("kind", r.kind()).put("served", r.servedHash());
        if (r.pinnedHash() != null) {
            pin.put("pinned", r.pinnedHash());
        }
        r.findings().forEach(f -> pin.withArray("findings").add(f.toString()));
        try {
            recorder.record(rec);
        } catch (Exception e) {
            throw new Refused("the decision on " + r.id() + " could not be recorded in the audit log, so it was not taken: "
                    + e.getMessage());
        }
    }

    private static Review review(PinStore.Row r) {
        return new Review(Review.id(r.upstream(), r.kind(), r.name()), r.kind(), r.upstream(), r.name(), r.hash(),
                r.definition(), r.pendingHash(), r.pendingDefinition(), PinStore.findings(r.pendingFindings()),
                r.pendingState(), r.pendingSince());
    }
}
