package io.portcullis.changes;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #15 item 4 (C7.2): the effective configs (records, not text) are diffed, and each change is widening
 * or narrowing; what cannot be shown to narrow is widening.
 */
class ConfigDiffTest {
    private static final Path EXAMPLES = Path.of("examples").toAbsolutePath();
    private static final String READY = read();

    private static String read() {
        try {
            return Files.readString(EXAMPLES.resolve("demo-ready.yaml"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GatewayConfig parse(String text) throws Exception {
        return ConfigReader.parse(text, "demo-ready.yaml", EXAMPLES, null);
    }

    private static List<Change> diff(String before, String after) throws Exception {
        return ConfigDiff.diff(parse(before), parse(after));
    }

    private static String replace(String text, String from, String to) {
        assertThat(text).contains(from);
        return text.replace(from, to);
    }

    @Test
    void theSameFileReadTwiceIsNoChange() throws Exception {
        // compiled patterns and CEL programs have no value equality: the diff must not see them as changes
        assertThat(diff(READY, READY)).isEmpty();
        assertThat(diff(READY, replace(READY, "# C6.1: the bulkhead", "# a comment only"))).isEmpty();
        // moving a rule to other lines changes its origin (file:line), not the rule
        assertThat(diff(READY, replace(READY, "policy:\n", "\n\npolicy:\n"))).isEmpty();
    }

    @Test
    void aDenyRuleRemovedIsWideningInEveryEnvironment() throws Exception {
        String after = replace(READY, """
                    - id: no-anonymous-callers               # C1.1, belt and braces: identity already refuses them
                      effect: deny
                      when: principal.kind == "anonymous"
                      reason: "anonymous callers may not call {tool}"
                """, "");
        assertThat(diff(READY, after)).singleElement().satisfies(c -> {
            assertThat(c.widening()).isTrue();
            assertThat(c.what()).isEqualTo("policy rule no-anonymous-callers removed");
            assertThat(c.widens("prod")).isTrue();
            assertThat(c.lines()).contains("- no-anonymous-callers: deny when principal.kind == \"anonymous\"");
        });
        // and the way back (a deny added) narrows
        assertThat(diff(after, READY)).singleElement().satisfies(c -> assertThat(c.widening()).isFalse());
    }

    @Test
    void anAllowRuleAddedOrLoosenedIsWideningWhereItApplies() throws Exception {
        String added = replace(READY, "policy:\n  rules:\n", "policy:\n  rules:\n    - {id: dev-anything, effect: allow, environments: [dev]}\n");
        assertThat(diff(READY, added)).singleElement().satisfies(c -> {
            assertThat(c.widening()).isTrue();
            assertThat(c.widens("dev")).isTrue();
            assertThat(c.widens("prod")).isFalse();
        });
        String loosened = replace(READY, "environments: [prod]\n      when: tool.name == \"demo__create_ticket\" && \"support-bot\" in principal.roles",
                "environments: [prod]\n      when: tool.name == \"demo__create_ticket\"");
        assertThat(diff(READY, loosened)).singleElement().satisfies(c -> {
            assertThat(c.what()).isEqualTo("policy rule support-files-tickets-in-prod changed");
            assertThat(c.widens("prod")).isTrue();
        });
    }

    @Test
    void anAllowTurnedIntoADenyOrAQuorumRaisedNarrows() throws Exception {
        String denied = replace(READY, "    - id: changes-outside-production\n      effect: allow",
                "    - id: changes-outside-production\n      effect: deny");
        assertThat(diff(READY, denied)).singleElement().satisfies(c -> assertThat(c.widening()).isFalse());
        String two = replace(READY, "      approvers: [approver]\n    - id: support", "      approvers: [approver]\n      quorum: 2\n    - id: support");
        assertThat(diff(READY, two)).singleElement().satisfies(c -> assertThat(c.widening()).isFalse());
        assertThat(diff(two, READY)).singleElement().satisfies(c -> assertThat(c.widening()).as("quorum lowered").isTrue());
    }

    @Test
    void catalogLooseningsAreWidening() throws Exception {
        // a risk class lowered
        assertThat(diff(READY, replace(READY, "      risk: irreversible\n      environments: [dev]", "      risk: state_changing\n      environments: [dev]")))
                .singleElement().satisfies(c -> assertThat(c.what()).isEqualTo("risk class of demo__delete_project lowered"));
        // an environment added to a tool
        assertThat(diff(READY, replace(READY, "      environments: [dev]\n      constraints:\n        project: {allow: [\"acme-test-*\"",
                "      environments: [dev, prod]\n      constraints:\n        project: {allow: [\"acme-test-*\"")))
                .singleElement().satisfies(c -> {
                    assertThat(c.widening()).isTrue();
                    assertThat(c.environments()).containsExactly("prod");
                });
        // an argument constraint removed, then one added
        String without = replace(READY, "        query: {max_length: 200}\n", "");
        assertThat(diff(READY, without)).singleElement().satisfies(c -> {
            assertThat(c.widening()).isTrue();
            assertThat(c.what()).isEqualTo("argument constraint demo__search_tickets.query removed");
        });
        assertThat(diff(without, READY)).singleElement().satisfies(c -> assertThat(c.widening()).isFalse());
        // a risk class raised narrows
        assertThat(diff(READY, replace(READY, "      purpose: Connectivity check; returns its input.\n      risk: read_only",
                "      purpose: Connectivity check; returns its input.\n      risk: irreversible")))
                .singleElement().satisfies(c -> assertThat(c.widening()).isFalse());
    }

    @Test
    void aToolSwitchedOnAndChangeControlLoosenedAreWidening() throws Exception {
        String off = READY + "tools:\n  demo__echo: {enabled: false}\n";
        assertThat(diff(READY, off)).singleElement().satisfies(c -> assertThat(c.widening()).isFalse());
        assertThat(diff(off, READY)).singleElement().satisfies(c -> {
            assertThat(c.widening()).isTrue();
            assertThat(c.what()).isEqualTo("tool demo__echo enabled");
        });
        String loosened = replace(replace(READY, "  hold_widening: [dev, prod]", "  hold_widening: [dev]"), "  quorum: {prod: 2}\n", "");
        assertThat(diff(loosened, READY)).isEmpty(); // holding more narrows
        assertThat(diff(READY, loosened)).singleElement().satisfies(c -> {
            assertThat(c.widening()).isTrue();
            assertThat(c.environments()).containsExactly("prod");
        });
        assertThat(diff(READY, READY + "  author: alice\n")).isEmpty(); // the author is not a setting
    }

    @Test
    void item2_reviewNewTurnedOffIsWideningAndTurnedOnNarrows() throws Exception {
        String held = READY + "pins:\n  review_new: true\n";
        assertThat(diff(READY, held)).isEmpty(); // holding more narrows
        assertThat(diff(held, READY)).singleElement().satisfies(c -> {
            assertThat(c.widening()).isTrue();
            assertThat(c.what()).isEqualTo("pins loosened (review_new turned off)");
        });
    }
}
