package io.portcullis.readiness;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.policy.Policy;
import java.util.List;

/**
 * What one environment's checks look at: the config, the live catalog, the compiled policy.
 *
 * @param tools the tools offered and enabled in the environment (catalog and operational switch)
 */
record Facts(GatewayConfig config, Catalog catalog, Policy policy, EnvironmentConfig env, List<ToolEntry> tools,
             boolean changelog, Controls controls, io.portcullis.killswitch.KillSwitches kills) {

    /** @param kills the node's run-time kill switches (#14 item 2), or null when none are wired (C6.2 fails then) */
    static Facts of(GatewayConfig config, Catalog catalog, Policy policy, EnvironmentConfig env, boolean changelog,
                    Controls controls, io.portcullis.killswitch.KillSwitches kills) {
        return new Facts(config, catalog, policy, env,
                catalog.tools().stream().filter(t -> t.enabledIn(env.name())).toList(), changelog, controls, kills);
    }

    String name() {
        return env.name();
    }

    List<ToolEntry> withRisk(RiskClass r) {
        return tools.stream().filter(t -> t.risk() == r).toList();
    }

    List<ToolEntry> changing() {
        return tools.stream().filter(t -> t.risk() != RiskClass.READ_ONLY).toList();
    }

    static List<String> names(List<ToolEntry> tools) {
        return tools.stream().map(ToolEntry::name).toList();
    }
}
