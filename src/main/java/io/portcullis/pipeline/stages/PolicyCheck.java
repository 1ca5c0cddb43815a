package io.portcullis.pipeline.stages;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.portcullis.approval.Approvals;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.conversation.ChainRules;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.policy.Decision;
import io.portcullis.policy.Policy;
import io.portcullis.policy.ToolFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * C3.1, C3.2, C3.4: the policy decision for this principal, environment, tool and arguments.
 * Deny by default; a deny names the rules (or says that none allowed it); an approval
 * requirement goes to the approval workflow, which lets the call on only with an approval given
 * for exactly this call ({@link Approvals#admit}).
 * The decision's rule ids go into the call's trail for the log and the audit record. The step is
 * {@link Admission#decide(Policy, io.portcullis.identity.Principal, String, ToolEntry, ObjectNode)} (#12 item 3).
 */
public final class PolicyCheck implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.policy");
    private final Policy policy;
    private final Approvals approvals;

    /** @param policy the compiled policy of the snapshot this chain was built from (#12 item 1); null denies */
    public PolicyCheck(Policy policy, Approvals approvals) {
        this.policy = policy;
        this.approvals = approvals;
    }

    /** The catalog's facts about a tool, as policy sees them ({@code tool.*} in CEL). */
    public static ToolFacts facts(ToolEntry t) {
        return t.facts();
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        io.portcullis.policy.SessionFacts session = call.trail().conversation();
        Decision d = Admission.decide(policy, call.principal(), call.environment(), call.requireTool(), call.arguments(), session);
        call.trail().ruleIds(d.ruleIds());
        // #13 item 5: a chain decision names the labels that caused it and the calls (audit ids) that brought them
        String causes = session == null || !ChainRules.decided(d.ruleIds()) ? ""
                : "chain rules " + d.ruleIds().stream().filter(id -> id.startsWith(ChainRules.PREFIX)).toList()
                        + " decided on the conversation's labels " + session.causes(ChainRules.causes(d.ruleIds()));
        if (!causes.isEmpty()) {
            call.trail().note(causes);
        }
        call.trail().decision(d.effect().name().toLowerCase());
        if (d.dryRun() != null) {
            // #11 item 16: audit_only rules are logged and recorded, never enforced
            call.trail().dryRun(d.dryRun());
            Decision.DryRun dry = d.dryRun();
            LOG.info("policy dry run {} {} {} {} {} {} {}", kv("call_id", call.callId()), kv("tool", call.toolName()),
                    kv("env", call.environment()), kv("subject", call.principal().subject()),
                    kv("dry_run", dry.label()), kv("audit_only_rules", dry.ruleIds()), kv("reason", dry.reason()));
        }
        if (d.effect() == io.portcullis.policy.Effect.REQUIRE_APPROVAL) {
            try {
                approvals.admit(call, d); // returns only with an approval used for this call
            } catch (GatewayException.Refused e) {
                throw causes.isEmpty() ? e : new GatewayException.Refused(e.control(), e.getMessage() + suffix(causes));
            }
            return next.handle(call);
        }
        var refused = Admission.refusal(d);
        if (refused.isPresent()) {
            throw causes.isEmpty() ? refused.get()
                    : new GatewayException.Refused(refused.get().control(), refused.get().getMessage() + suffix(causes));
        }
        return next.handle(call);
    }

    private static String suffix(String causes) {
        return " (" + causes + ")";
    }

    @Override
    public String name() {
        return "policy";
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C3.1", "C3.2", "C3.4");
    }
}
