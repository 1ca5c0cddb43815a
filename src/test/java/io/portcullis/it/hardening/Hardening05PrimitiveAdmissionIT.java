package io.portcullis.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.GatewayExtension;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.LegacySession;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireClient;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #11 item 5: resources, resource templates, subscriptions, prompts and completions skipped
 * the catalog, environments and policy; in prod a {@code secret://} resource returned a password.
 * Every primitive that returns data or starts work now passes the same admission as a tool (catalog
 * entry with owner and risk, environments, the operational switch, the G1 gate, policy with
 * {@code kind}/{@code resource.*}/{@code prompt.*} facts, an audit record), and unlisted ones are
 * hidden by default.
 */
class Hardening05PrimitiveAdmissionIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                environments:
                  - dev
                  - name: prod
                    production: true
                upstreams:
                  vault:
                    command: %s
                tools:
                  vault__greet: {environments: [prod]}     # the operational switch: greet is off in dev
                catalog:
                  unlisted: hide
                  resources:
                    "docs://readme": {upstream: vault, owner: docs-team, purpose: The readme.}
                    "secret://*":
                      upstream: vault
                      owner: {team: security, oncall: "pager:sec"}
                      purpose: Credentials for the migration job.
                      environments: [dev]
                      labels: [secret]
                  prompts:
                    vault__greet: {owner: devex, purpose: Says hello.}
                    vault__leak: {owner: security, purpose: Quotes secrets., environments: [dev]}
                policy:
                  rules:
                    - id: read-only-anywhere
                      effect: allow
                      when: tool.risk == "read_only"
                    - id: no-root-secret
                      effect: deny
                      when: kind == "resource" && resource.uri == "secret://db/root" && "secret" in resource.labels
                      reason: "{tool} is the root credential"
                """.formatted(TestGateway.list(JvmPeers.testMain(ItemServer.class, "--name", "vault")))).build();

    private static LegacySession session(String env) {
        return LegacySession.open(new WireClient(gw.url(env)), "2025-11-25");
    }

    private static List<String> values(JsonNode items, String field) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path(field).asString()));
        return out;
    }

    private static void assertRefused(WireReply r, String control) {
        // #12 item 6: a control's refusal has its own code, not -32001 ("Session not found")
        assertThat(r.errorCode()).as(r.body()).isEqualTo(ErrorCodes.CONTROL_REFUSED).isEqualTo(-32004);
        assertThat(r.message().path("error").path("data").path("control").asString()).as(r.body()).isEqualTo(control);
        assertThat(r.body()).doesNotContain("hunter2");
    }

    private static ObjectNode uri(String uri) {
        return Json.object().put("uri", uri);
    }

    private static ObjectNode completion(String type, String key, String value) {
        ObjectNode p = Json.object();
        p.putObject("ref").put("type", type).put(key, value);
        p.putObject("argument").put("name", "x").put("value", "a");
        return p;
    }

    @Test
    void item5_inProdTheSecretResourceIsHiddenAndRefused() {
        LegacySession s = session("prod");
        assertThat(values(s.request("resources/list", null).path("result").path("resources"), "uri")).containsExactly("docs://readme");
        // docs://{page} is not in the catalog (hidden by default); secret://{name} is not enabled in prod
        assertThat(s.request("resources/templates/list", null).path("result").path("resourceTemplates")).isEmpty();
        assertRefused(s.post(s.message("resources/read", uri("secret://db/password"))), "catalog");
        assertRefused(s.post(s.message("resources/read", uri("secret://other"))), "catalog");
        assertRefused(s.post(s.message("resources/subscribe", uri("secret://db/password"))), "catalog");
        assertRefused(s.post(s.message("resources/read", uri("docs://unlisted"))), "catalog");
        assertRefused(s.post(s.message("completion/complete", completion("ref/resource", "uri", "secret://{name}"))), "catalog");
        // what is listed is served
        assertThat(s.request("resources/read", uri("docs://readme")).path("result").path("contents").get(0).path("text").asString())
                .isEqualTo("read me: docs://readme");
    }

    @Test
    void item5_promptsAndTheirCompletionsPassTheSameAdmission() {
        LegacySession prod = session("prod");
        assertThat(LegacySession.names(prod.request("prompts/list", null).path("result").path("prompts"))).containsExactly("vault__greet");
        assertRefused(prod.post(prod.message("prompts/get", Json.object().put("name", "vault__leak"))), "catalog");
        assertRefused(prod.post(prod.message("completion/complete", completion("ref/prompt", "name", "vault__leak"))), "catalog");
        assertThat(prod.request("completion/complete", completion("ref/prompt", "name", "vault__greet"))
                .path("result").path("completion").path("values")).hasSize(2);
        // in dev the switch turns greet off, and the catalog lets leak on
        LegacySession dev = session("dev");
        assertThat(LegacySession.names(dev.request("prompts/list", null).path("result").path("prompts"))).containsExactly("vault__leak");
        assertRefused(dev.post(dev.message("prompts/get", Json.object().put("name", "vault__greet"))), "tool-switch");
        assertThat(dev.request("prompts/get", Json.object().put("name", "vault__leak")).path("result").path("messages")).hasSize(1);
    }

    @Test
    void item5_policySeesResourceFactsAndEveryReadIsAudited() {
        LegacySession dev = session("dev");
        assertThat(values(dev.request("resources/list", null).path("result").path("resources"), "uri"))
                .containsExactlyInAnyOrder("docs://readme", "secret://db/password");
        assertThat(values(dev.request("resources/templates/list", null).path("result").path("resourceTemplates"), "uriTemplate"))
                .containsExactly("secret://{name}");
        // admitted; what it returns then passes egress (#13 item 2), which redacts the password it holds
        assertThat(dev.request("resources/read", uri("secret://db/password")).path("result").path("contents").get(0)
                .path("text").asString()).isEqualTo("password=[REDACTED:secret.password-assignment]");
        WireReply root = dev.post(dev.message("resources/read", uri("secret://db/root")));
        assertRefused(root, "policy");
        assertThat(root.message().path("error").path("message").asString()).contains("secret://db/root is the root credential");
        // each read, allowed or refused, is one audit record naming the resource, its upstream and the outcome
        var records = gw.gateway().audit().query().search(AuditQuery.Filter.all()).stream()
                .filter(r -> dev.id().equals(r.path("session").asString(null)) && r.path("kind").asString().equals("resource_read"))
                .toList();
        assertThat(records).extracting(r -> r.path("resource").path("uri").asString() + " " + r.path("decision").path("outcome").asString())
                .containsExactlyInAnyOrder("secret://db/password allowed", "secret://db/root refused");
        assertThat(records).allSatisfy(r -> assertThat(r.path("resource").path("upstream").asString()).isEqualTo("vault"));
    }
}
