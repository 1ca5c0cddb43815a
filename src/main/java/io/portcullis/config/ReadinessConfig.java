package io.portcullis.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code readiness:} section: what an operator declares about things the gateway cannot check
 * by itself (C1.3, C4.4, C5.4, C7.1, C7.2), and how the G1 gate behaves. Built by
 * {@link ReadinessConfigReader}; {@link #DEFAULTS} when the section is absent.
 *
 * @param boundaryOwner      who owns the MCP boundary (the gateway) and how to reach them on call, or null (C7.1)
 * @param review             whether code review is required for tools and policy changes, and where it is recorded, or null (C7.2)
 * @param playbook           path or URL of the operator playbook for suspicious calls, or null (C4.4)
 * @param conversationPolicy path or URL of the conversation-history data policy, or null (C5.4)
 * @param rotation           path or URL of the credential rotation and revocation steps, or null (C1.3)
 * @param enforce            whether the gate refuses calls (G1); false only for tests and protocol work
 * @param list               how {@code tools/list} shows tools the gate refuses
 * @param overrides          non-production environments whose gate is opened anyway, with the reason
 * @param oncall             #15 item 5 (C7.1): the on-call contact of each owning team, by team name
 */
public record ReadinessConfig(BoundaryOwner boundaryOwner, Review review, String playbook, String conversationPolicy,
                              String rotation, boolean enforce, ListMode list, Map<String, String> overrides,
                              Map<String, OnCall> oncall) {

    public ReadinessConfig(BoundaryOwner boundaryOwner, Review review, String playbook, String conversationPolicy,
                           String rotation, boolean enforce, ListMode list, Map<String, String> overrides) {
        this(boundaryOwner, review, playbook, conversationPolicy, rotation, enforce, list, overrides, Map.of());
    }

    /** The section is absent: nothing declared, the gate enforced and hiding. */
    public static final ReadinessConfig DEFAULTS =
            new ReadinessConfig(null, null, null, null, null, true, ListMode.HIDE, Map.of());

    public ReadinessConfig {
        overrides = Map.copyOf(overrides);
        oncall = Map.copyOf(oncall);
    }

    /**
     * #15 item 5 (C7.1): how a team is reached on call.
     *
     * @param contact a rota, pager key or channel (shown in the readiness report)
     * @param webhook where incidents are announced (the approvals webhook mechanism: JSON or Slack), or null
     */
    public record OnCall(String contact, io.portcullis.approval.ApprovalsConfig.Webhook webhook) {}

    /** The on-call contact of {@code team}: its {@code readiness.oncall} entry, or empty. */
    public java.util.Optional<OnCall> oncallOf(String team) {
        return team == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(oncall.get(team));
    }

    /** How {@code tools/list} shows a tool the gate refuses. */
    public enum ListMode { HIDE, MARK }

    /** The owner of the MCP boundary (C7.1). */
    public record BoundaryOwner(String team, String oncall) {}

    /** The declared code-review practice (C7.2). */
    public record Review(boolean required, String record) {}

    /** Environments whose gate is explicitly opened. */
    public List<String> overriddenEnvironments() {
        return List.copyOf(overrides.keySet());
    }
}
