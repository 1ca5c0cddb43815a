package io.portcullis.readiness;

import static io.portcullis.readiness.ReadinessTest.READY;
import static io.portcullis.readiness.ReadinessTest.line;
import static io.portcullis.readiness.ReadinessTest.replace;
import static io.portcullis.readiness.ReadinessTest.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.readiness.Report.Line;
import io.portcullis.readiness.Report.Status;
import io.portcullis.settings.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * #15 item 5 (C7.1): the boundary owner and the owner of every state-changing or irreversible tool have
 * an on-call contact in config ({@code readiness.oncall.TEAM.contact}); the line passes from it and fails
 * naming the tools whose owner has none.
 */
class OnCallReadinessTest {
    /** READY with the contacts moved from the owners to readiness.oncall. */
    static final String ONCALL = replace(replace(READY,
            "  boundary_owner: {team: platform, oncall: \"pager:platform\"}\n",
            "  boundary_owner: {team: platform}\n  oncall:\n"
                    + "    platform: {contact: \"pager:platform\", webhook: {url: \"https://hooks.example.com/platform\"}}\n"
                    + "    support: {contact: \"#support-oncall\"}\n"),
            "{owner: {team: support, oncall: \"pager:support\"}}", "{owner: {team: support}}");

    @Test
    void passesFromTheTeamsOnCallEntries() throws Exception {
        Line l = line(report(ONCALL), "dev", "C7.1");
        assertThat(l.status()).isEqualTo(Status.PASS);
        assertThat(l.evidence()).contains("MCP boundary: platform, on call pager:platform (readiness.oncall; incidents to hooks.example.com)");
        assertThat(l.evidence()).anyMatch(e -> e.startsWith("tickets__delete: support, on call #support-oncall (readiness.oncall; no incident webhook)"));
        assertThat(l.evidence()).noneMatch(e -> e.startsWith("tickets__search")); // read-only tools need no on-call owner
    }

    @Test
    void failsNamingTheToolsWhoseOwnerHasNoContact() throws Exception {
        Line l = line(report(replace(ONCALL, "    support: {contact: \"#support-oncall\"}\n", "")), "dev", "C7.1");
        assertThat(l.status()).isEqualTo(Status.FAIL);
        assertThat(l.evidence()).contains("state-changing or irreversible tools in dev whose owner has no on-call contact: "
                + "[tickets__create, tickets__delete]");
        assertThat(l.fix()).contains("oncall:").contains("<team>: {contact: <pager>}");
        Line noBoundary = line(report(replace(ONCALL, "    platform: {contact: \"pager:platform\", webhook: {url: \"https://hooks.example.com/platform\"}}\n", "")),
                "dev", "C7.1");
        assertThat(noBoundary.status()).isEqualTo(Status.FAIL);
        assertThat(noBoundary.evidence().getFirst()).contains("no owner with an on-call contact for the MCP boundary");
    }

    @Test
    void anEntryWithoutAContactOrWithABadWebhookIsRefusedWithItsLine() {
        String noContact = replace(ONCALL, "    support: {contact: \"#support-oncall\"}\n", "    support: {webhook: {url: \"https://h.example.com/s\"}}\n");
        assertThatThrownBy(() -> report(noContact)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:").hasMessageContaining("team 'support' needs a 'contact'");
        String badHook = replace(ONCALL, "https://hooks.example.com/platform", "ftp://hooks.example.com/platform");
        assertThatThrownBy(() -> report(badHook)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:").hasMessageContaining("'webhook' needs a 'url' (http or https)");
        String unknownKey = replace(ONCALL, "    support: {contact: \"#support-oncall\"}\n", "    support: {contact: x, pager: y}\n");
        assertThatThrownBy(() -> report(unknownKey)).isInstanceOf(ConfigException.class).hasMessageContaining("pager");
    }
}
