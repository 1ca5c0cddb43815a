package io.portcullis.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.GatewayException;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** #14 item 2 (C6.2): run-time kill switches on the embedded store: scopes, persistence, audit claims, fail closed. */
class KillSwitchesTest {
    @TempDir
    Path dir;
    Store store;
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void open() {
        store = Store.open(new StoreConfig(null, dir, 2));
    }

    @AfterEach
    void close() {
        store.close();
    }

    KillSwitches node(String name) {
        return new KillSwitches(KillStore.open(store), name, nanos::get);
    }

    static KillSwitch sw(KillSwitch.Scope scope, String name, String env, boolean readOnly) {
        return new KillSwitch(scope, name, env, readOnly, "incident INC-7: exfiltration suspected", "alice", Instant.parse("2026-12-04T20:00:00Z"));
    }

    Optional<GatewayException.Refused> call(KillSwitches k, String tool, String upstream, boolean readOnly, String env) {
        return k.refusal("tool " + tool, tool, upstream, readOnly, env);
    }

    @Test
    void aToolSwitchRefusesThatToolInEveryEnvironmentNamingScopeWhoAndReason() throws Exception {
        KillSwitches k = node("a");
        assertThat(call(k, "demo__delete", "demo", false, "prod")).isEmpty();
        k.kill(sw(KillSwitch.Scope.TOOL, "demo__delete", null, false));
        var r = call(k, "demo__delete", "demo", false, "prod").orElseThrow();
        assertThat(r.control()).isEqualTo("kill-switch");
        assertThat(r.getMessage()).contains("tool demo__delete", "all environments", "alice", "incident INC-7: exfiltration suspected", "C6.2");
        assertThat(call(k, "demo__delete", "demo", false, "dev")).isPresent();
        assertThat(call(k, "demo__echo", "demo", true, "prod")).as("another tool").isEmpty();
    }

    @Test
    void scopesUpstreamEnvironmentAndReadOnly() throws Exception {
        KillSwitches k = node("a");
        k.kill(sw(KillSwitch.Scope.UPSTREAM, "tickets", "prod", false));
        assertThat(call(k, "tickets__search", "tickets", true, "prod")).as("every tool of the upstream, read-only too").isPresent();
        assertThat(call(k, "tickets__search", "tickets", true, "dev")).as("only in prod").isEmpty();
        k.kill(sw(KillSwitch.Scope.ENVIRONMENT, "staging", null, true));
        assertThat(call(k, "demo__echo", "demo", true, "staging")).as("read-only mode keeps read_only tools").isEmpty();
        assertThat(call(k, "demo__create", "demo", false, "staging").orElseThrow().getMessage()).contains("environment staging (read-only)");
        k.kill(sw(KillSwitch.Scope.ENVIRONMENT, "dev", null, false));
        assertThat(call(k, "demo__echo", "demo", true, "dev")).as("everything off").isPresent();
    }

    @Test
    void unkillLiftsAndAnAbsentSwitchIsNotLiftedNorRecorded() throws Exception {
        KillSwitches k = node("a");
        k.kill(sw(KillSwitch.Scope.TOOL, "demo__delete", "prod", false));
        assertThat(k.unkill(KillSwitch.Scope.TOOL, "demo__delete", null, "wrong env", "bob")).as("the switch is per prod").isEmpty();
        var f = k.unkill(KillSwitch.Scope.TOOL, "demo__delete", "prod", "fixed", "bob").orElseThrow();
        assertThat(f.action()).isEqualTo("unkill");
        assertThat(f.sw().by()).isEqualTo("bob");
        assertThat(call(k, "demo__delete", "demo", false, "prod")).isEmpty();
        assertThat(k.store().history(10)).extracting(KillStore.Flip::action).containsExactly("unkill", "kill");
    }

    @Test
    void persistedAnotherNodeSeesItOnRefreshAndExactlyOneNodeAuditsEachFlip() throws Exception {
        KillSwitches a = node("a");
        KillSwitches b = node("b");
        List<String> audited = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.kill(sw(KillSwitch.Scope.TOOL, "demo__delete", null, false));
        assertThat(call(b, "demo__delete", "demo", false, "dev")).as("b has not re-read yet").isEmpty();
        b.refresh();
        assertThat(call(b, "demo__delete", "demo", false, "dev")).isPresent();
        a.start(() -> { }, f -> audited.add("a:" + f.seq()));
        b.start(() -> { }, f -> audited.add("b:" + f.seq()));
        a.refresh();
        b.refresh();
        assertThat(audited).hasSize(1);
        a.close();
        b.close();
        assertThat(node("restarted").active()).as("survives a restart").hasSize(1);
    }

    @Test
    void anAuditThatFailsIsGivenBackAndTriedAgain() throws Exception {
        KillSwitches a = node("a");
        a.kill(sw(KillSwitch.Scope.TOOL, "demo__delete", null, false));
        List<Long> ok = new java.util.concurrent.CopyOnWriteArrayList<>();
        var fail = new java.util.concurrent.atomic.AtomicBoolean(true);
        a.start(() -> { }, f -> {
            if (fail.get()) {
                throw new IllegalStateException("audit store down");
            }
            ok.add(f.seq());
        });
        a.refresh();
        assertThat(ok).isEmpty();
        fail.set(false);
        a.refresh();
        assertThat(ok).containsExactly(1L);
        a.close();
    }

    @Test
    void aStaleViewFailsClosedForToolsThatAreNotReadOnly() throws Exception {
        KillSwitches k = node("a");
        assertThat(k.problem()).isNull();
        nanos.addAndGet(KillSwitches.STALE.plus(Duration.ofSeconds(1)).toNanos()); // the store has not answered since
        assertThat(k.problem()).contains("have not been read from the store for 6 s");
        var r = call(k, "demo__create", "demo", false, "dev").orElseThrow();
        assertThat(r.control()).isEqualTo("kill-switch");
        assertThat(r.getMessage()).contains("fail closed", "only read_only tools run");
        assertThat(call(k, "demo__echo", "demo", true, "dev")).as("read_only tools still run").isEmpty();
        k.refresh();
        assertThat(call(k, "demo__create", "demo", false, "dev")).as("fresh again").isEmpty();
    }

    @Test
    void aBrokenStoreIsNamedAndNotReadOnlyToolsAreRefusedOnceTheViewAges() {
        KillSwitches k = node("a");
        store.close(); // the store stops answering
        k.refresh();
        assertThat(k.problem()).contains("the store did not answer");
        assertThat(call(k, "demo__create", "demo", false, "dev")).isPresent();
    }

    @Test
    void badInputAKillOfANameThatDoesNotExistListsCloseNames() {
        KillRequests names = new KillRequests(Set.of("demo__delete_project", "demo__create_ticket", "demo__echo"), Set.of("demo", "tickets"),
                Set.of("dev", "prod"), Set.of("demo__"), true);
        assertThat(names.refusal("tool", "demo__delete_projects", null, false, "x", true))
                .isEqualTo("no tool is named 'demo__delete_projects'; close names: demo__delete_project");
        assertThat(names.refusal("upstream", "ticket", null, false, "x", true)).contains("no upstream is named 'ticket'", "close names: tickets");
        assertThat(names.refusal("environment", "prd", null, false, "x", true)).contains("close names: prod");
        assertThat(names.refusal("tool", "demo__echo", "stage", false, "x", true)).contains("no environment is named 'stage'");
        assertThat(names.refusal("tool", "zzz", null, false, "x", true)).contains("no tool is named 'zzz'; known: [");
        assertThat(names.refusal("tool", "demo__echo", null, false, " ", true)).contains("give a reason");
        assertThat(names.refusal("tools", "demo__echo", null, false, "x", true)).contains("tool, upstream or environment");
        assertThat(names.refusal("tool", "demo__echo", null, true, "x", true)).contains("read-only applies to an environment");
        assertThat(names.refusal("tool", "demo__echo", "dev", false, "x", true)).isNull();
        assertThat(names.refusal("tool", "demo__new_tool", null, false, "x", true)).as("strict: the running catalog").isNotNull();
        KillRequests config = new KillRequests(Set.of(), Set.of("demo"), Set.of("dev"), Set.of("demo__"), false);
        assertThat(config.refusal("tool", "demo__new_tool", null, false, "x", true)).as("no gateway: the upstream prefix").isNull();
        assertThat(config.refusal("tool", "other__x", null, false, "x", true)).contains("no gateway runs here");
    }
}
