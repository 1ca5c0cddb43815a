package io.portcullis.audit;

import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.protocol.Json;
import io.portcullis.redact.Sanitizer;
import io.portcullis.store.Store;
import io.portcullis.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The audit log (C4.1–C4.3): a tamper-evident, append-only record of every tool call, in the
 * gateway's store. This node appends to its own hash chains (one per environment) through a
 * single group-commit writer, signs checkpoints over every chain's head with its Ed25519 key,
 * prunes by retention leaving anchors, and serves search, trace, export and verify.
 *
 * <p>Failure: {@link #open} throws when the store, the key or the node id cannot be set up (the
 * gateway does not start without its audit log). At run time a record that cannot be made
 * durable refuses its call with control {@code audit} and is logged at ERROR.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.audit");
    static final String NODE_FILE = "audit-node-id";

    private final Store store;
    private final AuditWriter writer;
    private final CallRecords records;
    private final KeyPair key;
    private final ScheduledExecutorService retentionTimer;
    private volatile AuditConfig config;

    /** Held while this log writes its chain; released on close (or by the OS when the process dies). */

    private AuditLog(Store store, AuditConfig config, String node, KeyPair key) {
        this.store = store;
        this.config = config;
        this.key = key;
        this.records = new CallRecords(node, Sanitizer.forRecords(config.maskFields(), config.maxValueChars()));
        this.writer = new AuditWriter(store, node, new Checkpoints(node, key), config.checkpointEvery(), config.checkpointInterval());
        this.retentionTimer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("audit-retention").daemon(true).unstarted(r));
        long every = config.pruneInterval().toMillis();
        retentionTimer.scheduleWithFixedDelay(this::pruneQuietly, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the audit log on the store: applies its migrations, loads (or on first start, in the
     * data directory only, creates) the signing key and the node id, and starts the writer.
     *
     * @throws StoreException when the tables, the key or the node id cannot be set up
     */
    public static AuditLog open(Store store, AuditConfig config) {
        AuditTables.migrate(store);
        KeyPair key;
        try {
            key = loadOrCreateKey(config);
        } catch (IOException e) {
            throw new StoreException("audit signing key: " + e.getMessage(), e);
        }
        String node = nodeId(config);
        LOG.info("audit log: node {}, key {}, checkpoint every {} records or {}", node,
                SigningKeys.fingerprint(key.getPublic()).substring(0, 16), config.checkpointEvery(), config.checkpointInterval());
        // #11 item 17: one writer per chain is the data directory's lock (store/DataDirLock), held by the gateway
        return new AuditLog(store, config, node, key);
    }

    static KeyPair loadOrCreateKey(AuditConfig config) throws IOException {
        Path file = config.signingKey();
        if (!Files.exists(file)) {
            if (!config.generateKey()) {
                throw new IOException(file + " does not exist; create it with: portcullis audit keygen --out " + file);
            }
            LOG.warn("audit: no signing key yet; created {} (keep it secret, back it up, export the public key with "
                    + "`portcullis audit pubkey`)", file);
            return SigningKeys.generate(file);
        }
        return SigningKeys.read(file);
    }

    /** The configured node id, or the one generated once and kept in the data directory. */
    static String nodeId(AuditConfig config) {
        if (config.nodeId() != null) {
            return config.nodeId();
        }
        Path file = config.dataDir().resolve(NODE_FILE);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(config.dataDir());
            byte[] r = new byte[6];
            ThreadLocalRandom.current().nextBytes(r);
            String id = "node-" + HexFormat.of().formatHex(r);
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new StoreException("cannot read or create the audit node id " + file + ": " + e.getMessage(), e);
        }
    }

    /** Creates the audit tables in {@code store} if they are not there yet (for tools that read the log). */
    public static void migrate(Store store) {
        AuditTables.migrate(store);
    }

    /** The public keys whose checkpoints {@code verify} accepts: this config's own key and its trusted keys. */
    public static Map<String, PublicKey> trustedKeys(AuditConfig config) throws IOException {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        if (Files.exists(config.signingKey())) {
            PublicKey own = SigningKeys.read(config.signingKey()).getPublic();
            keys.put(SigningKeys.fingerprint(own), own);
        }
        for (Path p : config.trustedKeys()) {
            PublicKey k = SigningKeys.readPublic(p);
            keys.put(SigningKeys.fingerprint(k), k);
        }
        return keys;
    }

    /** The stage that records every call's outcome; it wraps every control after it. */
    public Stage outcomeStage() {
        return new AuditStages.Outcome(this, "call");
    }

    /**
     * The stage that records a task's result fetched with {@code tasks/result} as a record of kind
     * {@code task_result} (its arguments are the {@code tasks/result} params, so the task id); like
     * {@link #outcomeStage}, the client is answered only once the record is durable.
     */
    public Stage taskResultStage() {
        return new AuditStages.Outcome(this, "task_result");
    }

    /**
     * The stage that records a read that is not a tool call, {@code resources/read} (kind
     * {@code resource_read}), {@code resources/subscribe} ({@code resource_subscribe}),
     * {@code completion/complete} ({@code completion}) or {@code prompts/get} ({@code prompt_get}): what reached the model,
     * durable before the client gets it, like a call's outcome.
     */
    public Stage readStage(String method) {
        return new AuditStages.Outcome(this, switch (method) {
            case "resources/read" -> CallRecords.RESOURCE_READ;
            case "resources/subscribe" -> CallRecords.RESOURCE_SUBSCRIBE;
            case "completion/complete" -> CallRecords.COMPLETION;
            default -> CallRecords.PROMPT_GET;
        });
    }

    /** The stage that makes an allowed state-changing call's intent durable; it must be the last stage. */
    public Stage intentStage() {
        return new AuditStages.Intent(this);
    }

    public String node() {
        return writer.node();
    }

    /** The writer (tests hold it busy with a job so that calls share one batch). */
    AuditWriter writer() {
        return writer;
    }

    /** #18 item 1: the writer's counters (records, failures, queue depth, commit durations). */
    public AuditStats stats() {
        return writer.stats;
    }

    public PublicKey publicKey() {
        return key.getPublic();
    }

    CallRecords records() {
        return records;
    }

    /** Applies a reloaded config: masking, cut length and checkpoint policy take effect at once. */
    public void reconfigure(AuditConfig next) {
        config = next;
        records.sanitizer(Sanitizer.forRecords(next.maskFields(), next.maxValueChars()));
        writer.checkpointPolicy(next.checkpointEvery(), next.checkpointInterval());
    }

    /** Queues a record; the future completes when it is durable. */
    CompletableFuture<AuditWriter.Appended> append(ObjectNode rec) {
        return writer.submit(rec.path("environment").asString(), Canonical.encode(rec), Columns.of(rec));
    }

    /** Where approval requests and decisions are recorded (C3.3): records of their own in this log. */
    public io.portcullis.approval.ApprovalRecorder approvalRecorder() {
        return new ApprovalRecords(this);
    }

    /**
     * Records a {@code tools/call} the gateway rejected as malformed before any pipeline ran
     * (outcome {@code refused}, control {@code protocol}); the client gets a JSON-RPC error either
     * way, so a record that cannot be made durable is logged as an audit failure, not thrown.
     */
    public void rejected(CallContext call, String why) {
        try {
            recordDurably(records.outcome(call, null, new GatewayException.Refused("protocol", why), null));
        } catch (Exception e) {
            LOG.error("AUDIT FAILURE: the record of malformed call {} is not durable: {}", call.callId(), e.toString());
        }
    }

    /**
     * #11 item 1: records the roots the gateway gave an upstream (kind {@code roots}), in the chain
     * of every environment the shared upstream serves. Serving the configured roots narrows the
     * upstream, so a record that cannot be made durable is logged as an audit failure, not thrown.
     */
    public void rootsServed(String upstream, java.util.Collection<String> environments, java.util.List<String> roots, String source) {
        for (String env : environments) {
            ObjectNode rec = stamped(Json.object(), "roots", env);
            rec.putObject("principal").put("subject", "portcullis").put("kind", "gateway");
            rec.putObject("upstream").put("name", upstream);
            roots.forEach(rec.putArray("roots")::add);
            rec.put("roots_source", source);
            rec.putObject("decision").put("outcome", "served");
            try {
                recordDurably(rec);
            } catch (Exception e) {
                LOG.error("AUDIT FAILURE: the roots served to upstream {} are not recorded durably: {}", upstream, e.toString());
            }
        }
    }

    /**
     * An operator's action that is not a call, as one record in each of {@code environments}' chains
     * (#14 item 2, C6.2: a kill switch flip, kind {@code kill_switch}): {@code subject} (kind {@code admin})
     * did {@code outcome}; {@code detail} goes in under the field named like the kind; {@code tool}, when not
     * null, is the record's tool (found by {@code audit search --tool}). Returns when every record is durable;
     * throws when one is not.
     */
    public void adminAction(String kind, String subject, String outcome, String tool, ObjectNode detail,
                            java.util.Collection<String> environments) throws Exception {
        for (String env : environments) {
            ObjectNode rec = stamped(Json.object(), kind, env);
            rec.putObject("principal").put("subject", subject).put("kind", "admin");
            rec.set(kind, detail.deepCopy());
            if (tool != null) {
                rec.putObject("tool").put("name", tool);
            }
            rec.putObject("decision").put("outcome", outcome);
            recordDurably(rec);
        }
    }

    /**
     * #15 item 2: records a reviewer's decision on a pinned definition (kind {@code pin_review}) in
     * the chain of every environment, and waits until it is durable: a decision that is not recorded
     * is not taken, so this throws.
     *
     * @param review the decision's body: {@code principal}, {@code upstream}, {@code tool}, {@code decision}, {@code pin}
     */
    public void pinReviewed(java.util.Collection<String> environments, ObjectNode review) throws Exception {
        recordInEach(environments, review, "pin_review");
    }

    /**
     * #15 item 4: records a config change applied, held, approved or rejected (kind {@code config_change},
     * with its diff) in the chain of every environment, and waits until it is durable (or throws).
     */
    public void configChanged(java.util.Collection<String> environments, ObjectNode change) throws Exception {
        recordInEach(environments, change, "config_change");
    }

    /** {@code body} as a record of {@code kind} in each environment's chain, each durable before the next (or throws). */
    private void recordInEach(java.util.Collection<String> environments, ObjectNode body, String kind) throws Exception {
        for (String env : environments) {
            recordDurably(stamped(body.deepCopy(), kind, env));
        }
    }

    /** {@code rec} with its kind, the time (to the microsecond), this node and the environment's chain. */
    private ObjectNode stamped(ObjectNode rec, String kind, String env) {
        rec.put("kind", kind);
        rec.put("time", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString());
        rec.put("node", records.node());
        rec.put("environment", env);
        return rec;
    }

    /** Writes a record that is not a call's and waits until it is durable; throws when it is not. */
    void recordDurably(ObjectNode rec) throws Exception {
        try {
            append(rec).get(config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    /**
     * Writes the record and waits until it is durable; refuses the call (control {@code audit})
     * otherwise. When the wait times out the record is abandoned (#21 item 5): if it lands later,
     * it lands as the record {@code ifRefused} builds then (null: not at all), what the client got. If the
     * writer had already committed to writing it as decided, the answer waits for that commit.
     */
    void recordOrRefuse(ObjectNode rec, java.util.function.Supplier<ObjectNode> ifRefused, CallContext call) throws GatewayException.Refused {
        recordOrRefuse(rec, ifRefused, call, null);
    }

    /** As above, {@code work} committed with the record; null, or the store's rejection of the work alone ({@link RecordWait}). */
    Exception recordOrRefuse(ObjectNode rec, java.util.function.Supplier<ObjectNode> ifRefused, CallContext call,
                             io.portcullis.call.WithRecord work) throws GatewayException.Refused {
        return RecordWait.await(writer, config.writeTimeout(), store, rec, ifRefused, call, work);
    }

    /** The refusal a call gets when its record is not durable in time. */
    static GatewayException.Refused auditRefusal(boolean intent) {
        return new GatewayException.Refused("audit", "the audit log could not record this call, so it was not "
                + (intent ? "made" : "answered") + "; the operator has been alerted");
    }

    /** Signs a checkpoint now over every chain's head; waits until it is stored. */
    public void checkpoint() {
        writer.run((c, w) -> w.checkpoint()).join();
    }

    /**
     * Applies retention now to this node's chains (C4.2): per environment, records older than the
     * environment's retention are deleted, an anchor keeps the hash of the last one, and a
     * {@code prune} record is appended, all in one transaction.
     *
     * @return one line per pruned chain
     * @throws java.util.concurrent.CompletionException when the store fails
     */
    public List<String> prune(Instant now) {
        List<String> done = new ArrayList<>();
        writer.run(Retention.job(config, node(), now, done)).join();
        return done;
    }

    private void pruneQuietly() {
        try {
            prune(Instant.now()).forEach(l -> LOG.info("audit retention: {}", l));
        } catch (RuntimeException e) {
            LOG.error("AUDIT RETENTION FAILURE: {}", e.toString());
        }
    }

    /** Search, trace and export over this store. */
    public AuditQuery query() {
        return new AuditQuery(store);
    }

    /** Verifies every chain and checkpoint in the store against this config's keys. */
    public Verifier.Report verify() throws IOException {
        return new Verifier(store, trustedKeys(config)).run();
    }

    /** Writes what is queued, signs a last checkpoint and stops. The store stays open. */
    @Override
    public void close() {
        retentionTimer.shutdownNow();
        writer.close();
    }
}
