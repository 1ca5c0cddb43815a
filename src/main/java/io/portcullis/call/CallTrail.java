package io.portcullis.call;

import io.portcullis.catalog.ToolEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the stages learned about one call, for the stages that report on it afterwards (the call
 * log, the audit record). The one mutable part of a call: each stage adds facts, none removes.
 * Typed fields, never an attribute map.
 */
public final class CallTrail {
    private volatile ToolEntry tool;
    private volatile String decision;
    private final List<String> ruleIds = new CopyOnWriteArrayList<>();
    private final List<String> approvalIds = new CopyOnWriteArrayList<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<String> redactions = new CopyOnWriteArrayList<>();
    private volatile Duration upstreamTime;
    private volatile String gatewayTask;
    private volatile String upstream;
    private volatile io.portcullis.policy.Decision.DryRun dryRun;
    private volatile Delegation delegation;
    private final java.util.Set<String> detected = new java.util.concurrent.ConcurrentSkipListSet<>();
    private volatile io.portcullis.policy.SessionFacts conversation;
    private volatile List<String> conversationGained;
    private volatile boolean recordCarries;
    private volatile WithRecord withRecord;
    private volatile List<String> produces = List.of();
    private volatile String traceId;
    private volatile String spanId;
    private volatile boolean sampled;
    /**
     * #18 item 1: the whole time of the stages inside the one running now, in nanoseconds
     * ({@link StageTimer} alone reads and writes it). Plain: a call's stages run one after another,
     * and a hand-over to another thread (the upstream call's timeout) happens-before its join.
     */
    long innerNanos;
    /** #18 (session 9): the stage spans' own time in this call so far ({@link TracingTimer} alone reads and writes it). */
    long tracingNanos;

    /**
     * #18 items 2, 3: the OpenTelemetry trace and span id of the call's server span, set when tracing
     * is on (the client's trace continued, or a new one); null when tracing is off. The audit record's
     * trace id is this one when it is set and the trace can be found: sampled, or the client's (session 10).
     */
    public String traceId() {
        return traceId;
    }

    public String spanId() {
        return spanId;
    }

    /** As {@link #trace(String, String, boolean)} for a sampled span. */
    public void trace(String trace, String span) {
        trace(trace, span, true);
    }

    /**
     * @param sampled whether the span is sampled (recorded and exported): #18 session 10, the audit
     *                record indexes a trace id the gateway made only when its trace was exported
     */
    public void trace(String trace, String span, boolean sampled) {
        this.traceId = trace;
        this.spanId = span;
        this.sampled = sampled;
    }

    /** Whether the call's server span was sampled; false when tracing is off. */
    public boolean sampled() {
        return sampled;
    }

    /** The upstream serving a call that is not a tool's ({@code resources/read}, {@code prompts/get}); null otherwise. */
    public String upstream() {
        return upstream != null || tool == null ? upstream : tool.upstream();
    }

    public void upstream(String name) {
        this.upstream = name;
    }

    /** The catalog entry, once the catalog stage found it; null for an unknown tool. */
    public ToolEntry tool() {
        return tool;
    }

    public void tool(ToolEntry entry) {
        this.tool = entry;
    }

    /** The policy decision ({@code allow}, {@code deny}, {@code require_approval}), or null before policy ran. */
    public String decision() {
        return decision;
    }

    public void decision(String effect) {
        this.decision = effect;
    }

    /** Ids of the policy rules that decided the call. */
    public List<String> ruleIds() {
        return List.copyOf(ruleIds);
    }

    public void ruleIds(List<String> ids) {
        ruleIds.addAll(ids);
    }

    /**
     * What the policy's audit_only rules would have made of the call (#11 item 16), or null when
     * none of them matched: recorded as "would deny" etc., never enforced.
     */
    public io.portcullis.policy.Decision.DryRun dryRun() {
        return dryRun;
    }

    public void dryRun(io.portcullis.policy.Decision.DryRun run) {
        this.dryRun = run;
    }

    /** Ids of the approvals the call used or created. */
    public List<String> approvalIds() {
        return List.copyOf(approvalIds);
    }

    public void approvalId(String id) {
        approvalIds.add(id);
    }

    /** Free-text facts a stage wants in the record (e.g. "result truncated to 65536 bytes"). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public void note(String note) {
        notes.add(note);
    }



    /** What egress redacted from the result, e.g. {@code "email x2"}, {@code "field /token"} (C5.1, C4.1). */
    public List<String> redactions() {
        return List.copyOf(redactions);
    }

    public void redaction(String what) {
        redactions.add(what);
    }

    /**
     * The id of the gateway's own task this call became while it waited for an approval
     * (2025-11-25 tasks), or null: the call's result is then that task's, and it goes upstream
     * without the client's {@code task} parameter.
     */
    public String gatewayTask() {
        return gatewayTask;
    }

    public void gatewayTask(String taskId) {
        this.gatewayTask = taskId;
    }

    /** How long the upstream took to answer, once it was called; null when it was not called. */
    public Duration upstreamTime() {
        return upstreamTime;
    }

    public void upstreamTime(Duration time) {
        this.upstreamTime = time;
    }

    /** #16 item 1: the credential the call goes upstream with and on whose behalf, once the credentials stage chose it; else null. */
    public Delegation delegation() {
        return delegation;
    }

    public void delegation(Delegation d) {
        this.delegation = d;
    }

    /** The detection classes egress found in the result (e.g. {@code pii.email}), whatever their action (#13 item 4). */
    public java.util.Set<String> detected() {
        return java.util.Set.copyOf(detected);
    }

    public void detected(String classId) {
        detected.add(classId);
    }

    /**
     * What the conversation held when this call came in (#13 items 4, 5: {@code session.*} for
     * policy, the "had" of the audit record), or null when the memory is off or was not read.
     */
    public io.portcullis.policy.SessionFacts conversation() {
        return conversation;
    }

    public void conversation(io.portcullis.policy.SessionFacts facts) {
        this.conversation = facts;
    }

    /** The labels this call added to its conversation (#13 item 6), or null when nothing was recorded. */
    public List<String> conversationGained() {
        return conversationGained;
    }

    public void conversationGained(List<String> labels) {
        this.conversationGained = List.copyOf(labels);
    }

    /** The labels the catalog declares for the resource a {@code resources/read} admitted (#13 item 4); empty otherwise. */
    public List<String> produces() {
        return produces;
    }

    public void produces(List<String> labels) {
        this.produces = List.copyOf(labels);
    }

    /** Set by the audit outcome stage (#13 item 4, session 9): this call's record commits {@link #withRecord} work with it. */
    public void recordCarries() {
        this.recordCarries = true;
    }

    /** Whether a durable outcome record will carry {@link #withRecord} work; false: a control commits its own writes. */
    public boolean recordCarriesWork() {
        return recordCarries;
    }

    /** Work to commit in the transaction of this call's outcome record, or null. */
    public WithRecord withRecord() {
        return withRecord;
    }

    public void withRecord(WithRecord work) {
        this.withRecord = work;
    }
}
