package io.portcullis.pipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #12 item 7: each stage of the tool chain on its own, with a fake call context and a fake next:
 * what it refuses (and names as the control), what it passes on, what it records in the trail.
 */
class StagesTest {
    static final String YAML = """
            environments: [dev, staging, {name: prod, production: true}]
            upstreams:
              up: {command: [x], timeout: 7s}
            catalog:
              tools:
                up__read: {owner: team-a, purpose: reads things, risk: read_only}
                up__write:
                  owner: team-a
                  purpose: writes things
                  risk: state_changing
                  environments: [dev, prod]
                  constraints:
                    project: {allow: ["acme-*"]}
                up__off: {owner: team-a, purpose: switched off, risk: read_only}
            tools:
              up__off: {enabled: false}
              up__read: {timeout: 3s}
            """;
    static final String LISTING = """
            - {name: read, inputSchema: {type: object}}
            - {name: write, inputSchema: {type: object, properties: {project: {type: string}}, required: [project]}}
            - {name: off, inputSchema: {type: object}}
            """;
    static StageWorld world;
    static final Principal ALICE = StageWorld.user("alice", List.of("dev"), "dev");

    @BeforeAll
    static void world() throws Exception {
        world = StageWorld.of(YAML, Map.of("up", StageWorld.tools(LISTING)));
    }

    private static ToolEntry tool(String name) {
        return world.catalog.tool(name).orElseThrow();
    }

    /** A call that has passed the catalog stage (its entry set), as the later stages see it. */
    private static CallContext found(String env, String name, String args) {
        return StageWorld.call(ALICE, env, name, args == null ? null : StageWorld.args(args)).withTool(tool(name));
    }

    private static final CallHandler OK = c -> StageWorld.text("ok");

    private static String control(Stage stage, CallContext call) {
        try {
            stage.handle(call, OK);
            return "passed";
        } catch (GatewayException e) {
            return e.control();
        }
    }

    @Test
    void catalogLookup_attachesTheEntryAndRecordsItInTheTrail_refusesUnknownTools() throws Exception {
        CatalogLookup stage = new CatalogLookup(world.catalog);
        AtomicReference<CallContext> seen = new AtomicReference<>();
        CallContext call = StageWorld.call(ALICE, "dev", "up__read", null);
        stage.handle(call, c -> {
            seen.set(c);
            return StageWorld.text("ok");
        });
        assertThat(seen.get().tool()).isEqualTo(tool("up__read"));
        assertThat(call.tool()).as("the record itself does not change (#12 item 6)").isNull();
        assertThat(call.trail().tool()).isEqualTo(tool("up__read"));

        assertThatThrownBy(() -> stage.handle(StageWorld.call(ALICE, "dev", "up__nope", null), OK))
                .isInstanceOf(GatewayException.UnknownTool.class);
        assertThat(control(stage, StageWorld.call(ALICE, "dev", "up__nope", null))).isEqualTo("catalog");
        assertThat(control(new CatalogLookup(null), StageWorld.call(ALICE, "dev", "up__read", null))).as("fail closed")
                .isEqualTo("catalog");
    }

    @Test
    void toolSwitch_refusesSwitchedOffToolsAndToolsOutsideTheirEnvironments() {
        ToolSwitch stage = new ToolSwitch();
        assertThat(control(stage, found("dev", "up__read", null))).isEqualTo("passed");
        assertThat(control(stage, found("dev", "up__off", null))).isEqualTo("tool-switch");
        assertThat(control(stage, found("staging", "up__write", null))).isEqualTo("catalog");
        assertThat(control(stage, found("dev", "up__write", null))).isEqualTo("passed");
    }

    @Test
    void readinessGate_refusesWhatChangesThingsWhileTheGateIsClosed_failsClosedWithoutAReport() {
        ReadinessGate closedInDev = new ReadinessGate(world.report(List.of("dev")));
        assertThat(control(closedInDev, found("dev", "up__write", null))).isEqualTo("readiness-gate");
        assertThat(control(closedInDev, found("dev", "up__read", null))).isEqualTo("passed");
        assertThat(control(closedInDev, found("prod", "up__write", null))).isEqualTo("passed");
        assertThat(control(new ReadinessGate(null), found("prod", "up__write", null))).isEqualTo("readiness-gate");
        assertThat(control(new ReadinessGate(null), found("prod", "up__read", null))).isEqualTo("passed");
    }

    @Test
    void arguments_refusesAViolationAndNotesIt() {
        Arguments stage = new Arguments();
        CallContext bad = found("dev", "up__write", "{\"project\": \"evil\"}");
        assertThat(control(stage, bad)).isEqualTo("arguments");
        assertThat(bad.trail().notes()).anyMatch(n -> n.startsWith("argument constraint:"));
        assertThat(control(stage, found("dev", "up__write", "{\"project\": \"acme-1\"}"))).isEqualTo("passed");
        assertThat(control(stage, found("dev", "up__write", "{}"))).as("required by the schema").isEqualTo("arguments");
    }

    @Test
    void policyCheck_decidesRecordsTheRulesAndDeniesByDefault() {
        PolicyCheck stage = new PolicyCheck(world.policy, null);
        CallContext allowed = found("dev", "up__write", "{\"project\": \"acme-1\"}");
        assertThat(control(stage, allowed)).isEqualTo("passed");
        assertThat(allowed.trail().decision()).isEqualTo("allow");
        assertThat(allowed.trail().ruleIds()).isNotEmpty();
        CallContext denied = found("prod", "up__write", "{\"project\": \"acme-1\"}");
        assertThat(control(stage, denied)).isEqualTo("policy");
        assertThat(denied.trail().decision()).isEqualTo("deny");
        assertThat(control(new PolicyCheck(null, null), found("dev", "up__read", null))).as("fail closed").isEqualTo("policy");
    }

    @Test
    void resultLimit_passesASmallResultUnchanged() throws Exception {
        ObjectNode r = new ResultLimit().handle(found("dev", "up__read", null), OK);
        assertThat(r).isEqualTo(StageWorld.text("ok"));
    }

    @Test
    void callLog_passesTheResultAndTheRefusalThrough() throws Exception {
        CallLog stage = new CallLog();
        assertThat(stage.handle(found("dev", "up__read", null), OK)).isEqualTo(StageWorld.text("ok"));
        assertThatThrownBy(() -> stage.handle(found("dev", "up__read", null), c -> {
            throw new GatewayException.Refused("policy", "no");
        })).isInstanceOf(GatewayException.Refused.class);
    }

    /** #12 item 2: the tool's timeout is worked out in one place; an unknown upstream fails as not configured. */
    @Test
    void upstreamCall_timeoutIsTheToolsElseItsUpstreams_andAnUnknownUpstreamFails() {
        assertThat(UpstreamCall.timeout(tool("up__read"), world.config)).isEqualTo(Duration.ofSeconds(3));
        assertThat(UpstreamCall.timeout(tool("up__write"), world.config)).isEqualTo(Duration.ofSeconds(7));
        assertThat(control(UpstreamCall.tool(Map.of(), world.config), found("dev", "up__read", null))).isEqualTo("upstream");
    }
}
