package io.portcullis.cli;

import io.portcullis.config.GatewayConfig;
import io.portcullis.killswitch.KillStore;
import io.portcullis.killswitch.KillSwitch;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code portcullis unkill tool|upstream|environment NAME [--env E] [--reason "..."]} (#14 item 2, C6.2):
 * lifts a run-time kill switch set by {@link KillCommand}; the same scope, name and {@code --env} name it.
 */
@Command(name = "unkill", description = "Lifts a run-time kill switch (see kill --list).")
final class UnkillCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the gateway's config file (its store holds the switches)")
    Path config;

    @Parameters(index = "0", paramLabel = "SCOPE", description = "tool, upstream or environment")
    String scope;

    @Parameters(index = "1", paramLabel = "NAME", description = "the name the switch was set on")
    String name;

    @Option(names = "--env", description = "the environment the switch was set in (when it was set with --env)")
    String env;

    @Option(names = "--reason", description = "why it is safe again (recorded in the audit log)")
    String reason;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
        KillSwitch.Scope s = KillSwitch.Scope.of(scope);
        if (s == null) {
            System.err.println("portcullis: the scope must be tool, upstream or environment, not '" + scope + "'");
            return Exit.USAGE;
        }
        return Served.run(cfg, gateway -> {
            ObjectNode body = Json.object().put("action", "unkill").put("scope", scope).put("name", name).put("environment", env)
                    .put("reason", reason);
            JsonNode f = gateway.send("POST", "/admin/api/kill-switches", body); // 404 when none is in force: exit 1
            System.out.println("kill switch lifted: " + f.path("describe").asString());
            return Exit.OK;
        }, store -> {
            KillStore ks = KillStore.open(store);
            var f = ks.unkill(s, name, env, reason, KeysCommand.operator());
            if (f.isEmpty()) {
                System.err.println("portcullis: no kill switch on " + s.word() + " " + name + (env == null ? "" : " in " + env)
                        + " is in force; in force: " + ks.active().stream().map(KillSwitch::describe).toList());
                return Exit.FAILED;
            }
            System.out.println("kill switch lifted: " + f.get().sw().describe());
            return Exit.OK;
        });
    }
}
