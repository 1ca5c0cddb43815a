package io.portcullis.cli;

import io.portcullis.admin.KeyRoutes;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.IdentityStore;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code portcullis keys create|list|revoke}: API keys for service roles (C1.2, C1.3); through the
 * running gateway's admin API when one serves the data directory, else in the store ({@link Served}, #21 item 13).
 */
@Command(name = "keys", description = "Manages API keys of service roles (CI jobs, batch agents).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static String operator() {
        return System.getProperty("user.name", "unknown") + "@cli";
    }

    @Command(name = "create", description = "Creates an API key and prints it ONCE on stdout (only its hash is stored).")
    static final class Create implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the gateway's config file (its store holds the keys)")
        Path config;

        @Option(names = "--role", required = true, description = "the service role the key stands for")
        String role;

        @Option(names = "--env", required = true, description = "an environment the key is valid in (repeat for several)")
        List<String> environments;

        @Option(names = "--expires", required = true, description = "lifetime, e.g. 12h, 30d (at most identity.api_keys.max_lifetime)")
        String expires;

        @Option(names = "--name", description = "the principal's subject in logs and audit (default apikey-<prefix>)")
        String name;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
            Duration life = KeyRoutes.duration(expires);
            if (life == null) {
                System.err.println("portcullis: --expires must look like 30m, 12h or 30d");
                return Exit.USAGE;
            }
            String refused = KeyRoutes.refusal(cfg, environments, life);
            if (refused != null) {
                System.err.println("portcullis: " + refused + " (" + config + ")");
                return Exit.USAGE;
            }
            // #21 item 13: through the running gateway when one serves the data directory
            return Served.run(cfg, gateway -> {
                ObjectNode body = Json.object().put("role", role).put("expires_in", expires).put("name", name);
                environments.forEach(body.putArray("environments")::add);
                JsonNode k = gateway.send("POST", "/admin/api/keys", body);
                created(k.path("secret").asString(), k.path("prefix").asString(), k.path("name").asString(), k.path("expires").asString(), cfg);
                return Exit.OK;
            }, store -> {
                IdentityStore ids = IdentityStore.open(store);
                try {
                    var c = ids.createKey(name, role, environments, Instant.now().plus(life).truncatedTo(ChronoUnit.SECONDS), operator());
                    created(c.secret(), c.key().prefix(), c.key().name(), c.key().expires().toString(), cfg);
                } finally {
                    ids.close();
                }
                return Exit.OK;
            });
        }

        private void created(String secret, String prefix, String subject, String until, GatewayConfig cfg) {
            System.out.println(secret);
            System.err.printf("API key %s created: subject %s, role %s, environments %s, expires %s.%n"
                            + "It is shown this once; only its hash is stored. Send it as 'Authorization: Bearer <key>'.%n",
                    prefix, subject, role, String.join(",", environments), until);
            if (!cfg.identity().enabled()) {
                System.err.println("Note: this config has no identity section; the gateway runs open and ignores keys until it has one.");
            }
        }
    }

    @Command(name = "list", description = "Lists the API keys (never the keys themselves).")
    static final class ListKeys implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the gateway's config file")
        Path config;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
            return Served.run(cfg, gateway -> {
                List<Row> rows = new java.util.ArrayList<>();
                for (JsonNode k : gateway.send("GET", "/admin/api/keys", null)) {
                    List<String> envs = new java.util.ArrayList<>();
                    k.path("environments").forEach(e -> envs.add(e.asString()));
                    rows.add(new Row(k.path("prefix").asString(), k.path("name").asString(), k.path("role").asString(), envs,
                            k.path("expires").asString(), k.path("revoked").isString() ? k.path("revoked").asString() : null));
                }
                print(rows);
                return Exit.OK;
            }, store -> {
                IdentityStore ids = IdentityStore.open(store);
                try {
                    print(ids.keys().stream().map(k -> new Row(k.prefix(), k.name(), k.role(), k.environments(), k.expires().toString(),
                            k.revoked() == null ? null : k.revoked().toString())).toList());
                } finally {
                    ids.close();
                }
                return Exit.OK;
            });
        }

        /** One key as GET /admin/api/keys answers it. */
        record Row(String prefix, String name, String role, List<String> environments, String expires, String revoked) {}

        private static void print(List<Row> keys) {
            System.out.printf("%-10s %-24s %-16s %-20s %-22s %s%n", "PREFIX", "NAME", "ROLE", "ENVIRONMENTS", "EXPIRES", "STATUS");
            Instant now = Instant.now();
            for (Row k : keys) {
                String status = k.revoked() != null ? "revoked " + k.revoked() : now.isBefore(Instant.parse(k.expires())) ? "active" : "expired";
                System.out.printf("%-10s %-24s %-16s %-20s %-22s %s%n", k.prefix(), k.name(), k.role(),
                        String.join(",", k.environments()), k.expires(), status);
            }
        }
    }

    @Command(name = "revoke", description = "Revokes an API key by its prefix; running gateways refuse it within identity.revocation_refresh.")
    static final class Revoke implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the gateway's config file")
        Path config;

        @Parameters(paramLabel = "PREFIX", description = "the key's prefix (the 8 characters after pcl_)")
        String prefix;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
            return Served.run(cfg, gateway -> {
                // the gateway answers 404 for no active key: exit 1 (AdminClient)
                gateway.send("POST", "/admin/api/keys/" + java.net.URLEncoder.encode(prefix, java.nio.charset.StandardCharsets.UTF_8)
                        + "/revoke", null);
                System.out.println("revoked API key " + prefix);
                return Exit.OK;
            }, store -> {
                IdentityStore ids = IdentityStore.open(store);
                boolean done;
                try {
                    done = ids.revokeKey(prefix, operator());
                } finally {
                    ids.close();
                }
                if (!done) {
                    System.err.println("portcullis: no active key has the prefix " + prefix);
                    return Exit.FAILED;
                }
                System.out.println("revoked API key " + prefix);
                return Exit.OK;
            });
        }
    }
}
