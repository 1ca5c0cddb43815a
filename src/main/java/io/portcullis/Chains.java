package io.portcullis;

import io.portcullis.approval.Approvals;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.Catalog;
import io.portcullis.config.GatewayConfig;
import io.portcullis.conversation.ConversationMemory;
import io.portcullis.conversation.ConversationStore;
import io.portcullis.egress.EgressConfig;
import io.portcullis.egress.EgressScan;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.call.Stage;
import io.portcullis.pipeline.stages.Arguments;
import io.portcullis.pipeline.stages.CallLog;
import io.portcullis.pipeline.stages.CatalogLookup;
import io.portcullis.pipeline.stages.ItemAdmission;
import io.portcullis.pipeline.stages.KillSwitchStage;
import io.portcullis.pipeline.stages.PinCheck;
import io.portcullis.pipeline.stages.PolicyCheck;
import io.portcullis.pipeline.stages.RateLimit;
import io.portcullis.pipeline.stages.ReadinessGate;
import io.portcullis.pipeline.stages.ResultLimit;
import io.portcullis.pipeline.stages.ToolSwitch;
import io.portcullis.pipeline.stages.UpstreamCall;
import io.portcullis.pipeline.stages.UpstreamCredential;
import io.portcullis.credentials.Credentials;
import io.portcullis.killswitch.KillSwitches;
import io.portcullis.ratelimit.RateLimits;
import io.portcullis.policy.Policy;
import io.portcullis.readiness.Report;
import io.portcullis.upstream.Upstream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * #12 item 2: the chain of every kind of request, as data, built once per {@link Snapshot} (when a
 * config is applied or the catalog changes), never per call. The one place the order of the
 * controls is written down, and why. Each chain ends with its upstream call ({@link UpstreamCall}),
 * a stage like the others: the last one. Adding a control = one new file (a {@link Stage}) + one
 * line in the list below.
 *
 * @param toolCall   {@code tools/call}
 * @param taskResult {@code tasks/result} of an upstream task a tool call created
 * @param reads      {@code resources/read}, {@code resources/subscribe}, {@code prompts/get},
 *                   {@code completion/complete}, by method
 */
public record Chains(Pipeline toolCall, Pipeline taskResult, Map<String, Pipeline> reads) {

    /** The methods that have a read chain. */
    public static final List<String> READ_METHODS = List.of("resources/read", "resources/subscribe", "prompts/get",
            "completion/complete");

    public Chains {
        reads = Map.copyOf(reads);
    }

    /** The chain of a read method ({@link #READ_METHODS}). */
    public Pipeline read(String method) {
        Pipeline p = reads.get(method);
        if (p == null) {
            throw new IllegalArgumentException("no chain for " + method);
        }
        return p;
    }

    /** What a snapshot's chains are built from: its pieces and the gateway's services. */
    record Parts(GatewayConfig config, Map<String, Upstream> upstreams, Catalog catalog, Policy policy, Report readiness,
                 AuditLog audit, Approvals approvals, Credentials credentials, KillSwitches kills, RateLimits limits,
                 ConversationStore conversations, io.portcullis.call.CallObserver observer) {
        /** The parts without the gateway's run-time services (credential exchange, kill switches, rate limiter, conversation memory): the stages that need them refuse every call (fail closed). */
        Parts(GatewayConfig config, Map<String, Upstream> upstreams, Catalog catalog, Policy policy, Report readiness,
              AuditLog audit, Approvals approvals) {
            this(config, upstreams, catalog, policy, readiness, audit, approvals, null, null, null, null,
                    io.portcullis.call.CallObserver.NONE);
        }
    }

    static Chains build(Parts p) {
        // #18 item 2: the tracing of this config (the same SDK while the section is unchanged); off adds nothing to a chain
        var tracing = io.portcullis.tracing.Tracing.of(p.config() == null ? null : p.config().tracing());
        // #18 item 1: each control's own time in every chain, when metrics are on (metrics: enabled: false wraps nothing)
        var clock = p.config() == null || !p.config().metrics().enabled() ? io.portcullis.call.CallObserver.NONE : p.observer();
        Map<String, Pipeline> reads = new LinkedHashMap<>();
        for (String method : READ_METHODS) {
            reads.put(method, new Pipeline(method, timed(read(p, method), clock, method),
                    io.portcullis.call.StageTimer.timed(UpstreamCall.item(method, p.catalog(), p.upstreams(), p.config()), clock, method),
                    tracing, clock));
        }
        // #18 (session 9): the tracing's own time is the control "tracing" when metrics and tracing are both on
        return new Chains(new Pipeline("tools/call", timed(toolCall(p), clock, "tools/call"),
                io.portcullis.call.StageTimer.timed(UpstreamCall.tool(p.upstreams(), p.config()), clock), tracing, clock),
                new Pipeline("tasks/result", timed(taskResult(p), clock, "tasks/result"),
                        io.portcullis.call.StageTimer.timed(UpstreamCall.taskResult(p.upstreams(), p.config()), clock, "tasks/result"),
                        tracing, clock),
                reads);
    }

    /** {@code stages} each timed in the chain of {@code method} (#18 item 1); themselves when metrics are off. */
    private static List<Stage> timed(List<Stage> stages, io.portcullis.call.CallObserver clock, String method) {
        return stages.stream().map(s -> io.portcullis.call.StageTimer.timed(s, clock, method)).toList();
    }

    /**
     * The stages and checklist lines of the {@code tools/call} chain, for the readiness report
     * (#11 item 22), which must be evaluated before the chain that holds the report can be built:
     * the names and lines do not depend on the snapshot's data.
     */
    static Map<String, List<String>> controls(AuditLog audit, Approvals approvals) {
        return new Pipeline(toolCall(new Parts(null, Map.of(), null, null, null, audit, approvals)),
                UpstreamCall.tool(Map.of(), null)).controls();
    }

    /**
     * The order for {@code tools/call}. Why this order:
     * <ol>
     *   <li>{@code call-log} wraps everything, so that every call, refused or not, leaves one
     *       structured line, even when the audit log itself refuses.</li>
     *   <li>{@code audit} (C4.1, C4.2) wraps every control after it: each refusal by any later
     *       stage, each upstream failure and each result becomes one durable record, and the client
     *       is answered only after that record is durable. If the audit store fails, the call is
     *       refused (control {@code audit}).</li>
     *   <li>{@code catalog}: a tool that is not in the catalog is refused before anything looks
     *       at its arguments (C2.1).</li>
     *   <li>{@code pin} (#15 item 1): a tool whose upstream now serves a definition that is not the
     *       pinned (reviewed) one is refused before anything else looks at it: a rug pull changes what
     *       the tool is, so no later control's decision about the old tool applies.</li>
     *   <li>{@code kill-switch} (C6.2, #14 item 2): the run-time kill switches (a tool, an upstream, an
     *       environment), right after the catalog (and the pin) that names the tool's upstream and risk: cheap (an
     *       in-memory view), and they must act even when later controls are broken.</li>
     *   <li>{@code rate-limit} (C6.3, #14 item 3): the loop breaker, the token buckets and the
     *       concurrency limit. Right after the catalog and the kill switches, because limits are chosen by the tool's risk
     *       class and name, which only the catalog entry knows; before everything else that costs
     *       time (arguments, policy, the upstream), so a runaway loop is cut off cheaply.</li>
     *   <li>{@code tool-switch}: raw export without a documented need (C2.4), the catalog's
     *       environments, and the per-tool operational switch (C6.2).</li>
     *   <li>{@code readiness-gate} (G1): while a line of checklist sections 1–4 fails in the
     *       environment, tools that are not read-only are refused, naming the failing lines. It reads
     *       the snapshot's report, evaluated when the config was applied, so it costs nothing per call.</li>
     *   <li>{@code conversation} (#13 items 4–6) wraps egress: it loads what the call's conversation
     *       has seen, so that policy (below) sees {@code session.labels}, {@code session.tools} and
     *       {@code session.calls} and the chain rules can act, and afterwards adds what egress
     *       detected and the tool's catalog labels to the conversation, durably.</li>
     *   <li>{@code egress} (C5.1, C5.2; #13) wraps result-limit: what comes back is held to the
     *       size limit first (a 50 MB result is cut or refused before it is scanned), then every
     *       string leaf is scanned and sensitive data redacted, masked, pseudonymized, labelled, or
     *       the result blocked.</li>
     *   <li>{@code result-limit} wraps everything after it, so that whatever comes back is held
     *       to the tool's size limit (C2.3, C5.3) before it reaches the client.</li>
     *   <li>{@code arguments}: schema and catalog overlay (C2.3), before any decision that could
     *       depend on argument values, and before anything reaches the upstream.</li>
     *   <li>{@code policy}: the decision on principal, environment, tool and (now valid)
     *       arguments; deny by default (C3.2, C3.4). Its rule ids go into the trail. A
     *       {@code require_approval} decision waits there for the approval workflow (C3.2, C3.3),
     *       after the arguments are final, because the approval is bound to their hash; the
     *       approval id goes into the trail (and so into the audit record).</li>
     *   <li>{@code credentials} (C1.2, #16 item 1): the credential the upstream gets on behalf of the
     *       principal (token exchange, service credential for service principals, none), chosen per
     *       call and put on the trail, from where the upstream call sends it on this call's request
     *       alone. A stage rather than the upstream's connection: the upstream's session is shared by
     *       every caller, so a per-user credential must travel with the call, never with the
     *       connection. Last before audit-intent: no token is exchanged for a call a control refuses,
     *       and a failed exchange refuses the call (control {@code credentials}) before any intent is
     *       recorded.</li>
     *   <li>later: chain rules: each one file plus one line here, ABOVE audit-intent.</li>
     *   <li>{@code audit-intent} is always the last control: reaching it means every control allowed
     *       the call, so for a call that is not read-only it makes the intent durable right before
     *       the upstream is called (C4.2). Two stages rather than a callback: the order is visible
     *       here, and nothing can be added between the intent and the upstream call by accident.</li>
     *   <li>the upstream call ({@link UpstreamCall#tool}), under the tool's timeout (C6.1), ends the chain.</li>
     * </ol>
     * The catalog, tool-switch, readiness-gate, arguments and policy stages are the steps of the one
     * admission decision ({@code pipeline.stages.Admission}, #12 item 3) that {@code tools/list} also uses.
     */
    static List<Stage> toolCall(Parts p) {
        return List.of(
                new CallLog(p.observer()), // #18 item 1: the metrics of every tool call are recorded here, once
                p.audit().outcomeStage(),
                new CatalogLookup(p.catalog(), p.config(), p.credentials()), // #16: a strict per-user upstream: consent first
                new PinCheck(p.catalog()),
                new KillSwitchStage(p.kills()),
                new RateLimit(p.limits()),
                new ToolSwitch(),
                new ReadinessGate(p.readiness()),
                new ConversationMemory(p.config() == null ? null : p.config().conversation(), p.conversations(), countsCalls(p)),
                new EgressScan(egress(p)),
                new ResultLimit(),
                new Arguments(),
                new PolicyCheck(p.policy(), p.approvals()),
                new UpstreamCredential(p.config(), p.credentials()),
                p.audit().intentStage());
    }

    /**
     * Whether the conversation memory writes {@code session.calls} on every call (#13, session 10): when a
     * rule of this snapshot's policy may read it, or {@code conversation.count_calls: every_call}; with no
     * policy (a chain built only for its shape), yes.
     */
    private static boolean countsCalls(Parts p) {
        return p.policy() == null || p.policy().readsSessionCalls()
                || p.config() != null && p.config().conversation().countEveryCall();
    }

    /** The snapshot's egress settings (C5.1, C5.2); none while only the chain's shape is asked for ({@link #controls}). */
    private static EgressConfig egress(Parts p) {
        return p.config() == null ? null : p.config().egress();
    }

    /**
     * The order for a task's result fetched with {@code tasks/result} (2025-11-25 tasks): the call
     * that created the task ran {@link #toolCall}, and policy and approvals decided it then; they
     * are not asked again. What it returns, delivered later, still leaves a log line and a durable
     * audit record (kind {@code task_result}), and is held to the catalog (a tool removed since is
     * refused), its pin (a tool quarantined since is refused, #15 item 1), the run-time kill switches, the tool's switch and environments (a kill switch stops its results too) and its
     * result size limit, and {@code egress} scans it as it scans a direct result (#13 item 2).
     * {@code credentials} (C1.2, #16) chooses the fetching caller's own credential for the upstream, as
     * for a call (never the task creator's token: a task belongs to its session's caller). The last
     * stage forwards {@code tasks/result} to the upstream that created the task.
     */
    static List<Stage> taskResult(Parts p) {
        return List.of(
                new CallLog(),
                p.audit().taskResultStage(),
                new CatalogLookup(p.catalog()),
                new PinCheck(p.catalog()),
                new KillSwitchStage(p.kills()),
                new ToolSwitch(),
                new EgressScan(egress(p)),
                new ResultLimit(),
                new UpstreamCredential(p.config(), p.credentials())); // #16: the caller's own credential, as for the call
    }

    /**
     * The order for the primitives that are not tool calls and return data or start work:
     * {@code resources/read}, {@code resources/subscribe}, {@code prompts/get} and
     * {@code completion/complete} (#11 item 5). A log line and a durable audit record of each,
     * refused or not (C4.1), wrap the admission ({@link ItemAdmission}: catalog, environments,
     * switch, G1 gate, policy, in the tool chain's order). The last stage forwards the request to
     * the upstream that serves the item. {@code egress} (#13 item 2) scans what comes back
     * ({@code resources/read} contents, {@code prompts/get} messages) as it does tool results.
     * {@code conversation} (#13 item 4) wraps egress, as in the tool chain: what egress detected and
     * the resource's catalog {@code produces} join the caller's conversation.
     */
    static List<Stage> read(Parts p, String method) {
        return List.of(
                new CallLog(),
                p.audit().readStage(method),
                ConversationMemory.reads(p.config() == null ? null : p.config().conversation(), p.conversations(), countsCalls(p)),
                new EgressScan(egress(p)),
                new ItemAdmission(method, p.catalog(), p.policy(), p.readiness(), p.kills()),
                new UpstreamCredential(p.config(), p.credentials())); // #16: after admission, so nothing refused is exchanged
    }
}
