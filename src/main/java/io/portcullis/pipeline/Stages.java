package io.portcullis.pipeline;

import io.portcullis.approval.Approvals;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.Catalog;
import io.portcullis.pipeline.stages.Arguments;
import io.portcullis.pipeline.stages.CallLog;
import io.portcullis.pipeline.stages.CatalogLookup;
import io.portcullis.pipeline.stages.PolicyCheck;
import io.portcullis.pipeline.stages.ReadinessGate;
import io.portcullis.pipeline.stages.ResultLimit;
import io.portcullis.pipeline.stages.ToolSwitch;
import io.portcullis.policy.Policy;
import java.util.List;
import java.util.function.Supplier;

/** The order of the controls: the one place it is written down. */
public final class Stages {
    private Stages() {}

    /**
     * The standard order for {@code tools/call}. Why this order:
     * <ol>
     *   <li>{@code call-log} wraps everything, so that every call, refused or not, leaves one
     *       structured line, even when the audit log itself refuses.</li>
     *   <li>{@code audit} (C4.1, C4.2) wraps every control after it: each refusal by any later
     *       stage, each upstream failure and each result becomes one durable record, and the client
     *       is answered only after that record is durable. If the audit store fails, the call is
     *       refused (control {@code audit}).</li>
     *   <li>kill switches and rate limits (C6.2, C6.3) come next: cheap, and they must act even
     *       when later controls are broken.</li>
     *   <li>{@code catalog}: a tool that is not in the catalog is refused before anything looks
     *       at its arguments (C2.1).</li>
     *   <li>{@code tool-switch}: raw export without a documented need (C2.4), the catalog's
     *       environments, and the per-tool operational switch (C6.2).</li>
     *   <li>{@code readiness-gate} (G1): while a line of checklist sections 1–4 fails in the
     *       environment, tools that are not read-only are refused, naming the failing lines. It reads
     *       the report cached when the config was applied, so it costs nothing per call.</li>
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
     *   <li>later: chain rules, credentials:
     *       each one file plus one line here, ABOVE audit-intent.</li>
     *   <li>{@code audit-intent} is always the LAST stage: reaching it means every control allowed
     *       the call, so for a call that is not read-only it makes the intent durable right before
     *       the upstream is called (C4.2). Two stages rather than a callback: the order is visible
     *       here, and nothing can be added between the intent and the upstream call by accident.</li>
     *   <li>the terminal handler calls the upstream under its timeout (C6.1).</li>
     * </ol>
     */
    public static List<Stage> standard(Supplier<Catalog> catalog, Supplier<Policy> policy, AuditLog audit,
                                       Approvals approvals, Supplier<io.portcullis.readiness.Report> readiness,
                                       Supplier<io.portcullis.egress.EgressConfig> egress) {
        return List.of(
                new CallLog(),
                audit.outcomeStage(),
                new CatalogLookup(catalog),
                new ToolSwitch(),
                new ReadinessGate(readiness),
                new io.portcullis.egress.EgressScan(egress),
                new ResultLimit(),
                new Arguments(),
                new PolicyCheck(policy, approvals),
                audit.intentStage());
    }

    /**
     * The order for a task's result fetched with {@code tasks/result} (2025-11-25 tasks): the call
     * that created the task ran {@link #standard}, and policy and approvals decided it then; they
     * are not asked again. What it returns, delivered later, still leaves a log line and a durable
     * audit record (kind {@code task_result}), and is held to the catalog (a tool removed since is
     * refused), the tool's switch and environments (a kill switch stops its results too) and its
     * result size limit. The terminal forwards {@code tasks/result} to the upstream that created the task.
     */
    /**
     * The order for the primitives that are not tool calls and return data or start work:
     * {@code resources/read}, {@code resources/subscribe}, {@code prompts/get} and
     * {@code completion/complete} (#11 item 5). A log line and a durable audit record of each,
     * refused or not (C4.1), wrap the admission ({@code ItemAdmission}: catalog, environments,
     * switch, G1 gate, policy, in the tool pipeline's order). The terminal forwards the request to
     * the upstream that serves the item. {@code egress} (#13 item 2) scans what comes back
     * ({@code resources/read} contents, {@code prompts/get} messages) as it does tool results.
     */
    public static List<Stage> read(AuditLog audit, String method, Stage admission,
                                   Supplier<io.portcullis.egress.EgressConfig> egress) {
        return List.of(new CallLog(), audit.readStage(method), new io.portcullis.egress.EgressScan(egress), admission);
    }

    public static List<Stage> taskResult(Supplier<Catalog> catalog, AuditLog audit) {
        return List.of(
                new CallLog(),
                audit.taskResultStage(),
                new CatalogLookup(catalog),
                new ToolSwitch(),
                new ResultLimit());
    }
}
