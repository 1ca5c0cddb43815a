package io.portcullis.cli;

import io.portcullis.config.GatewayConfig;
import io.portcullis.killswitch.KillRequests;
import io.portcullis.killswitch.KillStore;
import io.portcullis.killswitch.KillSwitch;
import io.portcullis.killswitch.KillSwitches;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code portcullis kill tool|upstream|environment NAME [--env E] [--read-only] --reason "..."} and
 * {@code portcullis kill --list} (#14 item 2, C6.2): run-time kill switches for incident response. Through
 * the running gateway's admin API when one serves the data directory, else in the store ({@link Served});
 * on PostgreSQL every node applies the switch within 1 s (NOTIFY), and one of them writes its audit record.
 * {@code unkill} is {@link UnkillCommand}.
 */
@Command(name = "kill", description = "Switches off a tool, an upstream or an environment at run time (incident response, C6.2).")
final class KillCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the gateway's config file (its store holds the switches)")
    Path config;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCOPE", description = "tool, upstream or environment")
    String scope;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "the tool's catalog name, the upstream's or the environment's name")
    String name;

    @Option(names = "--env", description = "a tool or upstream switch: only in this environment (default: every environment)")
    String env;

    @Option(names = "--read-only", description = "an environment switch: only read_only tools stay (default: everything off)")
    boolean readOnly;

    @Option(names = "--reason", description = "why (required): shown to refused callers and recorded in the audit log")
    String reason;

    @Option(names = "--list", description = "lists the switches in force and the last flips instead")
    boolean list;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
        if (list) {
            return list(cfg);
        }
        if (scope == null || name == null) {
            System.err.println("portcullis: name what to switch off: kill tool|upstream|environment NAME --reason \"...\" (or kill --list)");
            return Exit.USAGE;
        }
        return Served.run(cfg, gateway -> {
            ObjectNode body = Json.object().put("action", "kill").put("scope", scope).put("name", name).put("environment", env)
                    .put("read_only", readOnly).put("reason", reason);
            JsonNode f = gateway.send("POST", "/admin/api/kill-switches", body); // 400 with the close names: exit 2
            done(f.path("describe").asString(), f.path("reason").asString());
            return Exit.OK;
        }, store -> {
            String refused = KillRequests.of(cfg, null).refusal(scope, name, env, readOnly, reason, true);
            if (refused != null) {
                System.err.println("portcullis: " + refused);
                return Exit.USAGE;
            }
            KillStore.Flip f = KillStore.open(store).kill(new KillSwitch(KillSwitch.Scope.of(scope), name, env, readOnly, reason,
                    KeysCommand.operator(), KillSwitches.now()));
            done(f.sw().describe(), reason);
            return Exit.OK;
        });
    }

    private static void done(String what, String reason) {
        System.out.println("kill switch set: " + what + ": " + reason);
        System.err.println("Running gateways refuse it within 1 s and hide it from lists; lift it with portcullis unkill.");
    }

    /** {@code kill --list}: what is in force and the last flips, newest first. */
    private static int list(GatewayConfig cfg) throws Exception {
        return Served.run(cfg, gateway -> {
            JsonNode all = gateway.send("GET", "/admin/api/kill-switches", null);
            List<String[]> active = new ArrayList<>();
            all.path("active").forEach(s -> active.add(row(s)));
            List<String[]> history = new ArrayList<>();
            all.path("history").forEach(s -> history.add(flip(s.path("seq").asLong(), s.path("action").asString(), row(s))));
            print(active, history, all.path("problem").isString() ? all.path("problem").asString() : null);
            return Exit.OK;
        }, store -> {
            KillStore ks = KillStore.open(store);
            List<String[]> active = ks.active().stream().map(KillCommand::row).toList();
            List<String[]> history = ks.history(50).stream().map(f -> flip(f.seq(), f.action(), row(f.sw()))).toList();
            print(active, history, null);
            return Exit.OK;
        });
    }

    private static String[] row(KillSwitch s) {
        return new String[] {s.scope().word(), s.name(), s.environment().isEmpty() ? "*" : s.environment(),
                s.readOnly() ? "read-only" : "off", s.by(), s.at().toString(), s.reason()};
    }

    private static String[] row(JsonNode s) {
        return new String[] {s.path("scope").asString(), s.path("name").asString(),
                s.path("environment").isString() ? s.path("environment").asString() : "*",
                s.path("read_only").asBoolean() ? "read-only" : "off", s.path("by").asString(), s.path("at").asString(),
                s.path("reason").asString()};
    }

    private static String[] flip(long seq, String action, String[] row) {
        String[] out = new String[row.length + 2];
        out[0] = String.valueOf(seq);
        out[1] = action;
        System.arraycopy(row, 0, out, 2, row.length);
        return out;
    }

    private static void print(List<String[]> active, List<String[]> history, String problem) {
        if (problem != null) {
            System.out.println("WARNING: " + problem + " (tools that are not read_only are refused meanwhile)");
        }
        String f = "%-12s %-32s %-12s %-10s %-20s %-25s %s%n";
        System.out.println("IN FORCE (" + active.size() + ")");
        System.out.printf(f, "SCOPE", "NAME", "ENVIRONMENT", "MODE", "SET BY", "AT", "REASON");
        active.forEach(r -> System.out.printf(f, (Object[]) r));
        System.out.println();
        System.out.println("FLIPS (newest first)");
        String h = "%-5s %-7s " + f;
        System.out.printf(h, "SEQ", "ACTION", "SCOPE", "NAME", "ENVIRONMENT", "MODE", "BY", "AT", "REASON");
        history.forEach(r -> System.out.printf(h, (Object[]) r));
    }
}
