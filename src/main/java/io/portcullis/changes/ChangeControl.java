package io.portcullis.changes;

import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 4 (C7.2): holds a config change that widens what someone may do, in the environments
 * that {@code change_control.hold_widening} of the config <em>in force</em> names, until reviewers
 * (a role of {@code change_control.reviewers}, {@code quorum} of them, none its author) approve it;
 * meanwhile the gateway keeps running on the last approved config. A change that only narrows is
 * applied at once. Held changes live in the store ({@link HeldChanges}), so every node of a shared
 * store holds the same change and applies it once it is approved (each node polls its own waiting
 * change every second). Every applied, held, approved and rejected change is an audit record (kind
 * {@code config_change}, with its diff), written before it takes effect.
 *
 * <p>The author of a change is {@code change_control.author} of the new config (named in the
 * change itself, e.g. by the git commit that made it) and the owner of the config file as the
 * operating system reports it; neither may decide on the change.
 */
public final class ChangeControl implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeControl.class);
    private static final java.time.format.DateTimeFormatter AT = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /** Writes an audit record of a change durably, or throws. */
    @FunctionalInterface
    public interface Recorder {
        void record(ObjectNode change) throws Exception;
    }

    /** What happens to a change that is held ({@link #offer}); the owners' incident webhooks hear of it (#15 item 5). */
    @FunctionalInterface
    public interface Notice {
        void held(Held change);
    }

    /** A decision that was refused, and why. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** What {@link #offer} did: {@code applied} (narrowing or no hold required), {@code held}, or {@code refused} (rejected before). */
    public record Outcome(String state, String id, List<Change> changes) {}

    /** A held change as the CLI, the admin API and the notices show it. */
    public record Held(String id, String hash, String heldAt, String source, String author, String fileOwner,
                       List<String> environments, int quorum, List<String> approvers, String state, String decidedAt,
                       String reason, List<String> diff) {
        public ObjectNode toJson() {
            ObjectNode o = Json.object().put("id", id).put("config_hash", hash).put("held_at", heldAt).put("source", source)
                    .put("author", author).put("file_owner", fileOwner).put("quorum", quorum).put("state", state)
                    .put("decided_at", decidedAt).put("reason", reason);
            environments.forEach(o.putArray("environments")::add);
            approvers.forEach(o.putArray("approvers")::add);
            diff.forEach(o.putArray("diff")::add);
            return o;
        }
    }

    private final HeldChanges held;
    private final ApprovedConfig approved; // a restart runs on it, not on a held file (#15 item 4)
    private final Clock clock;
    private final Supplier<GatewayConfig> current;
    private final Consumer<GatewayConfig> apply;
    private final Recorder recorder;
    private final Notice notice;
    private final Object lock = new Object();
    private final Thread poller;
    private volatile GatewayConfig pending;
    private volatile String pendingId;

    /**
     * @param current the config in force
     * @param apply   applies a config (the gateway's reload)
     */
    public ChangeControl(Store store, Clock clock, Supplier<GatewayConfig> current, Consumer<GatewayConfig> apply,
                         Recorder recorder, Notice notice) {
        this.held = new HeldChanges(store);
        this.approved = new ApprovedConfig(store);
        this.clock = clock;
        this.current = current;
        this.apply = apply;
        this.recorder = recorder;
        this.notice = notice;
        this.poller = Thread.ofVirtual().name("change-control").start(this::poll);
    }

    /**
     * A new config from the watcher: applied when it only narrows (or no environment it widens holds
     * widening changes), else held. A store or audit failure holds nothing and applies nothing: the
     * gateway stays on the config in force (fail closed) and the error is logged.
     */
    public Outcome offer(GatewayConfig next) {
        synchronized (lock) {
            GatewayConfig now = current.get();
            List<Change> changes = ConfigDiff.diff(now, next);
            Set<String> widened = new TreeSet<>();
            for (String env : now.changeControl().holdWidening()) {
                if (changes.stream().anyMatch(c -> c.widens(env))) {
                    widened.add(env);
                }
            }
            String hash = hash(next);
            String id = hash.substring(0, 12);
            try {
                if (widened.isEmpty()) {
                    held.supersede(null, at());
                    pending = null;
                    pendingId = null;
                    applied(now, next, changes, id, hash, null);
                    return new Outcome("applied", id, changes);
                }
                Optional<HeldChanges.Row> before = held.get(id);
                if (before.isPresent() && before.get().state().equals("approved")) {
                    applied(now, next, changes, id, hash, before.get());
                    pending = null;
                    pendingId = null;
                    return new Outcome("applied", id, changes);
                }
                if (before.isPresent() && before.get().state().equals("rejected")) {
                    LOG.warn("config change {} was rejected by {}; still running on the last approved config", id,
                            before.get().approverList());
                    return new Outcome("refused", id, changes);
                }
                String[] authors = authors(next);
                List<String> diff = new ArrayList<>();
                changes.forEach(c -> diff.addAll(c.lines()));
                HeldChanges.Row row = new HeldChanges.Row(id, hash, at(), source(next), authors[0], authors[1],
                        HeldChanges.json(List.copyOf(widened)), now.changeControl().quorumFor(widened), HeldChanges.json(diff),
                        "[]", "held", null, null);
                if (before.isEmpty()) {
                    record(view(row), "held", authors[0] != null ? authors[0] : authors[1], null);
                    held.hold(row);
                }
                held.supersede(id, at());
                pending = next;
                pendingId = id;
                Held h = view(held.get(id).orElse(row));
                boolean news = before.isEmpty() || !before.get().state().equals("held");
                LOG.warn("config change {} widens {} and is HELD for review; still running on the last approved config. "
                        + "See it with: portcullis changes show {}\n{}", id, widened, id, String.join("\n", diff));
                if (news) {
                    notice.held(h); // #15 item 5: once per held change, not again when the same config is offered again
                }
                return new Outcome("held", id, changes);
            } catch (SQLException | Refused | RuntimeException e) {
                LOG.error("config change {} could not be checked for review, so it was not applied (still running on the last "
                        + "approved config): {}", id, e.toString());
                return new Outcome("refused", id, changes);
            }
        }
    }

    /** The change this node holds now (waiting for review), if any. */
    public Optional<String> waiting() {
        return Optional.ofNullable(pendingId);
    }

    /** Every held change, newest first (decided ones too). */
    public List<Held> list() throws SQLException {
        return held.all().stream().map(ChangeControl::view).toList();
    }

    public Optional<Held> show(String id) throws SQLException {
        return id == null ? Optional.empty() : held.get(id).map(ChangeControl::view);
    }

    /** The named author and file owner of the last config change applied to {@code upstream} (#15 item 2). */
    public List<String> authorsOf(String upstream) throws SQLException {
        return held.authorsOf(upstream);
    }

    /**
     * Approves held change {@code id}; once it has its quorum it is applied (here at once, on other nodes within a second).
     *
     * @throws Refused without the reviewer role, by the change's author, twice by one reviewer, or for a change not held
     */
    public Held approve(String id, Principal reviewer) throws Refused, SQLException {
        HeldChanges.Row r = decidable(id, reviewer);
        List<String> approvers = new ArrayList<>(r.approverList());
        if (approvers.contains(reviewer.subject())) {
            throw new Refused(reviewer.subject() + " already approved change " + id + "; it needs " + r.quorum()
                    + " distinct reviewers (change_control.quorum)");
        }
        approvers.add(reviewer.subject());
        boolean done = approvers.size() >= r.quorum();
        Held after = view(new HeldChanges.Row(r.id(), r.hash(), r.heldAt(), r.source(), r.author(), r.fileOwner(),
                r.environments(), r.quorum(), r.diff(), HeldChanges.json(approvers), done ? "approved" : "held", done ? at() : null, null));
        record(after, done ? "approved" : "approval " + approvers.size() + " of " + r.quorum(), reviewer.subject(), null);
        if (!held.decide(id, r.approvers(), HeldChanges.json(approvers), done ? "approved" : "held", at(), null)) {
            throw new Refused("change " + id + " was decided by someone else meanwhile; show it again");
        }
        if (done) {
            applyIfPending(id);
        }
        return after;
    }

    /** Rejects held change {@code id}: the gateway stays on the last approved config. */
    public Held reject(String id, Principal reviewer, String reason) throws Refused, SQLException {
        HeldChanges.Row r = decidable(id, reviewer);
        Held after = view(new HeldChanges.Row(r.id(), r.hash(), r.heldAt(), r.source(), r.author(), r.fileOwner(),
                r.environments(), r.quorum(), r.diff(), r.approvers(), "rejected", at(), reason));
        record(after, "rejected", reviewer.subject(), reason);
        if (!held.decide(id, r.approvers(), r.approvers(), "rejected", at(), reason)) {
            throw new Refused("change " + id + " was decided by someone else meanwhile; show it again");
        }
        synchronized (lock) {
            if (id.equals(pendingId)) {
                pending = null;
                pendingId = null;
            }
        }
        return after;
    }

    private HeldChanges.Row decidable(String id, Principal reviewer) throws Refused, SQLException {
        List<String> roles = current.get().changeControl().reviewers();
        if (reviewer == null || reviewer.roles().stream().noneMatch(roles::contains)) {
            throw new Refused("only a reviewer decides on a held config change: " + (reviewer == null ? "no principal"
                    : reviewer.subject() + " has none of the roles " + roles) + " (change_control.reviewers)");
        }
        HeldChanges.Row r = held.get(id).orElseThrow(() -> new Refused("no config change is held as " + id));
        if (!r.state().equals("held")) {
            throw new Refused("config change " + id + " is " + r.state() + ", not held");
        }
        if (reviewer.subject().equals(r.author()) || reviewer.subject().equals(r.fileOwner())) {
            throw new Refused(reviewer.subject() + " is the author of config change " + id + " (" + (reviewer.subject().equals(r.author())
                    ? "change_control.author" : "owner of the config file") + "): a second person decides on it");
        }
        return r;
    }

    private void applyIfPending(String id) {
        synchronized (lock) {
            if (!id.equals(pendingId) || pending == null) {
                return;
            }
            GatewayConfig next = pending;
            pending = null;
            pendingId = null;
            try {
                authored(current.get(), next);
                apply.accept(next);
                approved(next);
                LOG.info("config change {} approved and applied", id);
            } catch (RuntimeException | SQLException e) {
                LOG.error("approved config change {} could not be applied: {}", id, e.toString());
            }
        }
    }

    /** Another node's decision: applies this node's waiting change once approved, drops it once rejected. */
    private void poll() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            String id = pendingId;
            if (id == null) {
                continue;
            }
            try {
                Optional<HeldChanges.Row> r = held.get(id);
                if (r.isPresent() && r.get().state().equals("approved")) {
                    applyIfPending(id);
                } else if (r.isPresent() && !r.get().state().equals("held")) {
                    synchronized (lock) {
                        if (id.equals(pendingId)) {
                            pending = null;
                            pendingId = null;
                            LOG.warn("config change {} was {}; still running on the last approved config", id, r.get().state());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("held config changes cannot be read (the waiting change stays held): {}", e.toString());
            }
        }
    }

    private void applied(GatewayConfig now, GatewayConfig next, List<Change> changes, String id, String hash,
                         HeldChanges.Row approved) throws Refused, SQLException {
        if (!changes.isEmpty() && approved == null) {
            String[] authors = authors(next);
            List<String> diff = new ArrayList<>();
            changes.forEach(c -> diff.addAll(c.lines()));
            record(new Held(id, hash, at(), source(next), authors[0], authors[1], List.of(), 1, List.of(), "applied", at(), null, diff),
                    "applied", authors[0] != null ? authors[0] : authors[1], null);
        }
        authored(now, next);
        apply.accept(next);
        approved(next);
    }

    /** Keeps {@code c} as the last approved config; when it cannot be kept, a restart runs on the one before (the safer side). */
    private void approved(GatewayConfig c) {
        try {
            approved.save(c, at());
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            LOG.error("the applied config could not be kept as the last approved one (a restart runs on the one before): {}", e.toString());
        }
    }

    private void authored(GatewayConfig now, GatewayConfig next) throws SQLException {
        String[] authors = authors(next);
        for (String u : ConfigDiff.touchedUpstreams(now, next)) {
            held.authored(u, authors[0], authors[1], at());
        }
    }

    private void record(Held h, String outcome, String who, String reason) throws Refused {
        ObjectNode rec = Json.object();
        rec.putObject("principal").put("subject", who == null ? "config file" : who).put("kind", "config");
        rec.set("config_change", h.toJson());
        ObjectNode d = rec.putObject("decision").put("outcome", outcome).put("control", "change_control");
        if (reason != null) {
            d.put("reason", reason);
        }
        try {
            recorder.record(rec);
        } catch (Exception e) {
            throw new Refused("config change " + h.id() + " could not be recorded in the audit log, so it was not "
                    + outcome + ": " + e.getMessage());
        }
    }

    /** {author named by the config, owner of its file}; either may be null. */
    private static String[] authors(GatewayConfig next) {
        String owner = null;
        try {
            owner = next.source() == null ? null : Files.getOwner(next.source()).getName();
        } catch (Exception e) {
            // a file system without owners: only the named author counts
        }
        return new String[] {next.changeControl().author(), owner};
    }

    private static String source(GatewayConfig c) {
        return c.source() == null ? "built-in demo" : c.source().toString();
    }

    private String at() {
        return AT.format(clock.instant());
    }

    static String hash(GatewayConfig c) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : c.files()) {
                md.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(Files.exists(p) ? Files.readAllBytes(p) : new byte[0]);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new IllegalStateException("config files cannot be hashed: " + e.getMessage(), e);
        }
    }

    private static Held view(HeldChanges.Row r) {
        List<String> envs = new ArrayList<>();
        Json.parse(r.environments()).forEach(n -> envs.add(n.asString()));
        return new Held(r.id(), r.hash(), r.heldAt(), r.source(), r.author(), r.fileOwner(), envs, r.quorum(), r.approverList(),
                r.state(), r.decidedAt(), r.reason(), r.diffLines());
    }

    @Override
    public void close() {
        poller.interrupt();
    }
}
