package io.portcullis.cli;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.IdentityStore;
import io.portcullis.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis keys create|list|revoke}: API keys for service roles (C1.2, C1.3). */
@Command(name = "keys", description = "Manages API keys of service roles (CI jobs, batch agents).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The config's store, opened for the identity tables only (no gateway is started). */
    static IdentityStore open(Path config, Store[] holder) throws ConfigException {
        GatewayConfig cfg = Configs.load(config);
        holder[0] = Store.open(cfg.store());
        return IdentityStore.open(holder[0]);
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
            GatewayConfig cfg;
            try {
                cfg = Configs.load(config);
            } catch (ConfigException e) {
                e.problems().forEach(p -> System.err.println("  " + p));
                return 1;
            }
            Duration life = duration(expires);
            if (life == null) {
                System.err.println("portcullis: --expires must look like 30m, 12h or 30d");
                return 2;
            }
            var id = cfg.identity();
            if (id.enabled() && !id.apiKeysEnabled()) {
                System.err.println("portcullis: this config does not accept API keys (identity.api_keys is off)");
                return 1;
            }
            if (life.compareTo(id.apiKeyMaxLifetime()) > 0) {
                System.err.println("portcullis: --expires " + expires + " exceeds identity.api_keys.max_lifetime ("
                        + id.apiKeyMaxLifetime().toDays() + "d); short-lived keys are the point (C1.3)");
                return 1;
            }
            for (String e : environments) {
                if (cfg.environment(e).isEmpty()) {
                    System.err.println("portcullis: environment '" + e + "' is not declared in " + config);
                    return 1;
                }
            }
            try (Store store = Store.open(cfg.store())) {
                IdentityStore ids = IdentityStore.open(store);
                var created = ids.createKey(name, role, environments, Instant.now().plus(life).truncatedTo(ChronoUnit.SECONDS), operator());
                System.out.println(created.secret());
                System.err.printf("API key %s created: subject %s, role %s, environments %s, expires %s.%n"
                                + "It is shown this once; only its hash is stored. Send it as 'Authorization: Bearer <key>'.%n",
                        created.key().prefix(), created.key().name(), role, String.join(",", environments), created.key().expires());
                if (!id.enabled()) {
                    System.err.println("Note: this config has no identity section; the gateway runs open and ignores keys until it has one.");
                }
                ids.close();
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the API keys (never the keys themselves).")
    static final class ListKeys implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the gateway's config file")
        Path config;

        @Override
        public Integer call() throws Exception {
            Store[] store = new Store[1];
            try {
                IdentityStore ids = open(config, store);
                System.out.printf("%-10s %-24s %-16s %-20s %-22s %s%n", "PREFIX", "NAME", "ROLE", "ENVIRONMENTS", "EXPIRES", "STATUS");
                Instant now = Instant.now();
                for (var k : ids.keys()) {
                    String status = k.revoked() != null ? "revoked " + k.revoked() : now.isBefore(k.expires()) ? "active" : "expired";
                    System.out.printf("%-10s %-24s %-16s %-20s %-22s %s%n", k.prefix(), k.name(), k.role(),
                            String.join(",", k.environments()), k.expires(), status);
                }
                ids.close();
                return 0;
            } catch (ConfigException e) {
                e.problems().forEach(p -> System.err.println("  " + p));
                return 1;
            } finally {
                if (store[0] != null) {
                    store[0].close();
                }
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
            Store[] store = new Store[1];
            try {
                IdentityStore ids = open(config, store);
                boolean done = ids.revokeKey(prefix, operator());
                ids.close();
                if (!done) {
                    System.err.println("portcullis: no active key has the prefix " + prefix);
                    return 1;
                }
                System.out.println("revoked API key " + prefix);
                return 0;
            } catch (ConfigException e) {
                e.problems().forEach(p -> System.err.println("  " + p));
                return 1;
            } finally {
                if (store[0] != null) {
                    store[0].close();
                }
            }
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(m|h|d)");

    static Duration duration(String s) {
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofDays(v);
        };
    }
}
