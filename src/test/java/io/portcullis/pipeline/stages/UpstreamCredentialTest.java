package io.portcullis.pipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.Delegation;
import io.portcullis.call.GatewayException;
import io.portcullis.credentials.TokenExchanger;
import io.portcullis.identity.Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** #16 item 1 (C1.2): the credentials stage per mode; it refuses (control credentials) whenever no credential can be had. */
class UpstreamCredentialTest {
    @TempDir
    static Path dir;
    static StageWorld world;
    static final Principal ALICE = StageWorld.user("alice", List.of(), "dev");
    static final Principal ROBOT = new Principal("nightly", Principal.Kind.SERVICE, "nightly", List.of(), null, "dev", "api_key",
            "pcl1", null, "portcullis", null, List.of());
    static final String TOOLS = "- {name: t, inputSchema: {type: object}}\n";

    @BeforeAll
    static void world() throws Exception {
        Files.writeString(dir.resolve("svc.token"), "service-token-1\n");
        world = StageWorld.of("""
                environments: [dev]
                upstreams:
                  svc: {url: "http://127.0.0.1:9/a", credentials: {mode: service, token: {file: %1$s/svc.token}}}
                  shared: {url: "http://127.0.0.1:9/b", credentials: {mode: service, token: {file: %1$s/svc.token}, allow_users: "ticket SEC-42"}}
                  gone: {url: "http://127.0.0.1:9/c", credentials: {mode: service, token: {file: %1$s/missing.token}}}
                  open: {url: "http://127.0.0.1:9/d", credentials: {mode: none}}
                  legacy: {url: "http://127.0.0.1:9/e", headers: {Authorization: {env: LEGACY_TOKEN}}}
                  oauth: {url: "http://127.0.0.1:9/g", credentials: {mode: oauth, client_id: gw, client_secret: {file: %1$s/svc.token}}}
                  exch:
                    url: "http://127.0.0.1:9/f"
                    credentials: {mode: token_exchange, token_endpoint: "http://127.0.0.1:9/token", client_id: gw, audience: exch}
                catalog:
                  tools:
                    svc__t: {owner: team-a, purpose: t, risk: read_only}
                    shared__t: {owner: team-a, purpose: t, risk: read_only}
                    gone__t: {owner: team-a, purpose: t, risk: read_only}
                    open__t: {owner: team-a, purpose: t, risk: read_only}
                    legacy__t: {owner: team-a, purpose: t, risk: read_only}
                    exch__t: {owner: team-a, purpose: t, risk: read_only}
                    oauth__t: {owner: team-a, purpose: t, risk: read_only}
                """.formatted(dir), Map.of("svc", StageWorld.tools(TOOLS), "shared", StageWorld.tools(TOOLS),
                "gone", StageWorld.tools(TOOLS), "open", StageWorld.tools(TOOLS), "legacy", StageWorld.tools(TOOLS),
                "exch", StageWorld.tools(TOOLS), "oauth", StageWorld.tools(TOOLS)));
    }

    static final CallHandler OK = c -> StageWorld.text("ok");

    static CallContext call(Principal p, String tool) {
        return StageWorld.call(p, "dev", tool, null).withTool(world.catalog.tool(tool).orElseThrow());
    }

    static UpstreamCredential stage() {
        return new UpstreamCredential(world.config, new io.portcullis.credentials.Credentials(new TokenExchanger(Clock.systemUTC()), null));
    }

    @Test
    void serviceCredentialOnlyForServicePrincipals() throws Exception {
        CallContext user = call(ALICE, "svc__t");
        assertThatThrownBy(() -> stage().handle(user, OK)).isInstanceOf(GatewayException.Refused.class)
                .hasMessageContaining("only service principals may use").extracting(e -> ((GatewayException) e).control())
                .isEqualTo("credentials");
        CallContext robot = call(ROBOT, "svc__t");
        stage().handle(robot, OK);
        Delegation d = robot.trail().delegation();
        assertThat(d.authorization()).isEqualTo("Bearer service-token-1");
        assertThat(d.headers()).containsEntry("Authorization", "Bearer service-token-1");
        assertThat(d.toString()).doesNotContain("service-token-1").contains("credentials=service");
    }

    /** Issue 17 item 1: mode oauth is the gateway's own identity: service principals only; the connection sends the token. */
    @Test
    void oauthIsTheGatewaysOwnIdentityForServicePrincipalsOnly() throws Exception {
        assertThatThrownBy(() -> stage().handle(call(ALICE, "oauth__t"), OK)).isInstanceOf(GatewayException.Refused.class)
                .hasMessageContaining("service credential (oauth), which only service principals may use")
                .extracting(e -> ((GatewayException) e).control()).isEqualTo("credentials");
        CallContext robot = call(ROBOT, "oauth__t");
        stage().handle(robot, OK);
        assertThat(robot.trail().delegation().mode()).isEqualTo("oauth");
        assertThat(robot.trail().delegation().headers()).as("the upstream connection sends the gateway's token").isEmpty();
    }

    @Test
    void theExplicitExceptionLetsUsersThroughAndIsNoted() throws Exception {
        CallContext user = call(ALICE, "shared__t");
        stage().handle(user, OK);
        assertThat(user.trail().delegation().mode()).isEqualTo("service");
        assertThat(user.trail().notes()).anyMatch(n -> n.contains("under the config's exception: ticket SEC-42"));
    }

    @Test
    void failsClosed() {
        assertThatThrownBy(() -> stage().handle(call(ROBOT, "gone__t"), OK)).isInstanceOf(GatewayException.Refused.class)
                .hasMessageContaining("service credential of upstream gone is missing");
        // an API-key principal has no OAuth token to exchange; the IdP is never asked
        assertThatThrownBy(() -> stage().handle(call(ROBOT, "exch__t"), OK)).isInstanceOf(GatewayException.Refused.class)
                .hasMessageContaining("has no OAuth token to exchange");
    }

    @Test
    void noneAndUndeclaredSendNothingOfTheirOwn() throws Exception {
        CallContext open = call(ALICE, "open__t");
        stage().handle(open, OK);
        assertThat(open.trail().delegation().mode()).isEqualTo("none");
        assertThat(open.trail().delegation().headers()).isEmpty();
        CallContext legacy = call(ALICE, "legacy__t");
        stage().handle(legacy, OK);
        assertThat(legacy.trail().delegation().mode()).isEqualTo("static_headers");
        assertThat(legacy.trail().delegation().headers()).as("the static headers are the connection's").isEmpty();
    }

    /** Fail closed: a stage that has no settings for the call's upstream cannot choose its credential, so it refuses. */
    @Test
    void withoutSettingsForTheUpstreamTheCallIsRefused() {
        assertThatThrownBy(() -> new UpstreamCredential(null, null).handle(call(ALICE, "open__t"), OK))
                .isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("credentials"))
                .hasMessageContaining("no credential settings for upstream open");
    }

    /**
     * #16 (the read paths): a read or a task's result has no tool; the stage takes the upstream that
     * serves the item from the trail and applies the same rules. Without a known upstream: refused.
     */
    @Test
    void aReadIsJudgedByTheUpstreamThatServesIt() throws Exception {
        CallContext read = StageWorld.call(ALICE, "dev", "svc__doc", null);
        read.trail().upstream("svc");
        assertThatThrownBy(() -> stage().handle(read, OK)).isInstanceOfSatisfying(GatewayException.Refused.class,
                e -> assertThat(e.control()).isEqualTo("credentials")).hasMessageContaining("only service principals may use");
        CallContext robot = StageWorld.call(ROBOT, "dev", "svc__doc", null);
        robot.trail().upstream("svc");
        stage().handle(robot, OK);
        assertThat(robot.trail().delegation().headers()).containsEntry("Authorization", "Bearer service-token-1");
        CallContext nowhere = StageWorld.call(ROBOT, "dev", "svc__doc", null);
        assertThatThrownBy(() -> stage().handle(nowhere, OK)).isInstanceOfSatisfying(GatewayException.Refused.class,
                e -> assertThat(e.control()).isEqualTo("credentials")).hasMessageContaining("no upstream is known");
    }

    @Test
    void withoutAConfigOnlyTheShapeIsAsked() throws Exception {
        assertThat(new UpstreamCredential(null, null).checklist()).containsExactly("C1.2");
        assertThat(new UpstreamCredential(null, null).name()).isEqualTo("credentials");
    }
}
