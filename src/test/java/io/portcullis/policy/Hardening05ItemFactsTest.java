package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** #11 item 5: policy sees resources and prompts with {@code kind}, {@code resource.*} and {@code prompt.*} facts. */
class Hardening05ItemFactsTest {
    private static final Principal ALICE = new Principal("alice", Principal.Kind.USER, "Alice", List.of("dev"), "client", "dev",
            "oauth", null, null);

    private static Policy policy(PolicyRule... rules) throws PolicyException {
        return Policy.compile(new PolicyConfig(List.of(rules), Set.of("prod")));
    }

    private static Effect decide(Policy p, ToolFacts facts) {
        return p.decide(new PolicyRequest(ALICE, "prod", facts, Json.object(), Set.of())).effect();
    }

    @Test
    void item5_resourceAndPromptFactsAreSeenOnlyForTheirKind() throws Exception {
        Policy p = policy(
                PolicyRule.of("read", Effect.ALLOW, "tool.risk == \"read_only\""),
                PolicyRule.of("secrets", Effect.DENY, "kind == \"resource\" && resource.uri.startsWith(\"secret://\") && production"),
                PolicyRule.of("leaks", Effect.DENY, "prompt.name == \"vault__leak\" && \"pii\" in prompt.labels"));
        ToolFacts secret = new ToolFacts("secret://db/password", "vault", "read_only", "security", List.of(), "resource");
        ToolFacts leak = new ToolFacts("vault__leak", "vault", "read_only", null, List.of("pii"), "prompt");
        ToolFacts docs = new ToolFacts("docs://readme", "vault", "read_only", null, List.of(), "resource");
        // a tool named like the prompt is not the prompt: prompt.* is empty for it
        ToolFacts tool = new ToolFacts("vault__leak", "vault", "read_only", null, List.of("pii"));
        assertThat(decide(p, secret)).isEqualTo(Effect.DENY);
        assertThat(decide(p, leak)).isEqualTo(Effect.DENY);
        assertThat(decide(p, docs)).isEqualTo(Effect.ALLOW);
        assertThat(decide(p, tool)).isEqualTo(Effect.ALLOW);
        assertThat(tool.kind()).isEqualTo("tool");
        assertThat(p.visible(new PolicyRequest(ALICE, "prod", secret, null, Set.of()))).isFalse();
        assertThat(p.visible(new PolicyRequest(ALICE, "prod", docs, null, Set.of()))).isTrue();
    }
}
