package io.portcullis.pipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.Binding;
import io.portcullis.catalog.ItemEntry;
import io.portcullis.catalog.ItemSpec;
import io.portcullis.catalog.RiskClass;
import io.portcullis.settings.ToolSettings;
import io.portcullis.identity.Principal;
import io.portcullis.call.GatewayException;
import io.portcullis.policy.Effect;
import io.portcullis.policy.Policy;
import io.portcullis.policy.PolicyConfig;
import io.portcullis.policy.PolicyRule;
import io.portcullis.protocol.Json;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** #11 item 5: the admission of resources and prompts, control by control, in the tool pipeline's order. */
class ItemAdmissionTest {
    private static final Principal P = Principal.anonymous("dev", null);

    private static ItemEntry entry(RiskClass risk, List<String> envs, ToolSettings settings) {
        ItemSpec spec = new ItemSpec(new Binding("vault", "secret://*"), null, "p", risk, envs, List.of());
        return new ItemEntry(ItemEntry.Kind.RESOURCE, "secret://x", "vault", "secret://x", spec, risk, null, envs, List.of(), settings);
    }

    private static Policy policy(PolicyRule... rules) throws Exception {
        return Policy.compile(new PolicyConfig(List.of(rules), Set.of()));
    }

    private static String control(Optional<ItemEntry> e, Policy policy) {
        return ItemAdmission.refusal(e, "resource secret://x", P, "dev", Json.object(), policy, null, null)
                .map(GatewayException::control).orElse("admitted");
    }

    @Test
    void item5_eachControlRefusesInTurnAndFailsClosed() throws Exception {
        Policy allowAll = policy(PolicyRule.of("all", Effect.ALLOW, null));
        ItemEntry ok = entry(RiskClass.READ_ONLY, List.of(), ToolSettings.DEFAULT);
        assertThat(control(Optional.empty(), allowAll)).isEqualTo("catalog");
        assertThat(control(Optional.of(entry(RiskClass.READ_ONLY, List.of("prod"), ToolSettings.DEFAULT)), allowAll)).isEqualTo("catalog");
        assertThat(control(Optional.of(entry(RiskClass.READ_ONLY, List.of(), new ToolSettings(false, List.of(), null))), allowAll))
                .isEqualTo("tool-switch");
        // no readiness report: the G1 gate counts as closed, so only read-only items pass it
        assertThat(control(Optional.of(entry(RiskClass.STATE_CHANGING, List.of(), ToolSettings.DEFAULT)), allowAll))
                .isEqualTo("readiness-gate");
        assertThat(control(Optional.of(ok), allowAll)).isEqualTo("admitted");
        assertThat(control(Optional.of(ok), null)).isEqualTo("policy");
        assertThat(control(Optional.of(ok), policy())).isEqualTo("policy"); // deny by default
        assertThat(control(Optional.of(ok), policy(PolicyRule.approval("ask", null, List.of("ops"), null)))).isEqualTo("policy");
        // the lists ask the same function with the arguments unknown
        assertThat(ItemAdmission.refusal(Optional.of(ok), "r", P, "dev", null, allowAll, null, null)).isEmpty();
        assertThat(ItemAdmission.refusal(Optional.of(ok), "r", P, "dev", null, policy(), null, null)).isPresent();
    }
}
