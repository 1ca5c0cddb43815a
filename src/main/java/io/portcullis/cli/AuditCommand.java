package io.portcullis.cli;

import io.portcullis.audit.AuditConfig;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditQuery;
import io.portcullis.audit.SigningKeys;
import io.portcullis.audit.Verifier;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code portcullis audit ...}: the operator's tools for the audit log (C4.2–C4.4). Beside a running
 * gateway, verify/search/trace/export ask it through its admin API ({@link Served}, #21 item 13: it
 * may hold its SQLite file exclusively); otherwise they read the store named by the config (the
 * SQLite file or the PostgreSQL database the gateway writes). Exit codes ({@link Exit}, #12 item 6):
 * 0 success, 1 verification failed or nothing found, 2 bad usage or the store/config could not be read.
 */
@Command(name = "audit", description = "Audit log: verify, search, trace one user request, export, keys.",
        mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.Verify.class, AuditCommand.Search.class, AuditCommand.Trace.class,
                AuditCommand.Export.class, AuditCommand.Keygen.class, AuditCommand.Pubkey.class, AuditCommand.RotateKey.class})
final class AuditCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The --config option shared by the commands that read the log. */
    static final class ConfigOption {
        @Option(names = "--config", description = "the gateway's config file (default: the built-in demo, data in ./data)")
        Path config;

        GatewayConfig load() throws ConfigException {
            return Configs.load(config);
        }
    }

    /** Opens the store of the config and runs {@code body}; reports config and store problems as exit 2. */
    interface WithStore {
        int run(GatewayConfig cfg, Store store) throws Exception;
    }

    static int withStore(ConfigOption opt, WithStore body) throws ConfigException {
        GatewayConfig cfg = opt.load(); // problems: exit 2 (Main)
        return reported(() -> {
            try (Store store = Store.open(cfg.store())) {
                AuditLog.migrate(store);
                return body.run(cfg, store);
            }
        });
    }

    /**
     * #21 item 13: as {@link #withStore}, but through the running gateway's admin API ({@code remote})
     * when one serves the data directory, so that it may hold the SQLite file exclusively.
     */
    static int served(ConfigOption opt, Served.Remote remote, WithStore direct) throws ConfigException {
        GatewayConfig cfg = opt.load(); // problems: exit 2 (Main)
        return reported(() -> Served.run(cfg, remote, store -> {
            AuditLog.migrate(store);
            return direct.run(cfg, store);
        }));
    }

    private static int reported(java.util.concurrent.Callable<Integer> body) {
        try {
            return body.call();
        } catch (CliFailure e) {
            System.err.println(CliFailure.line(e));
            return e.code();
        } catch (IllegalArgumentException e) {
            System.err.println("portcullis: " + e.getMessage());
            return Exit.USAGE;
        } catch (Exception e) {
            System.err.println(CliFailure.line(e)); // one line naming the path and the fix (#11 item 23)
            return Exit.USAGE;
        }
    }

    /** The query string of a filter, for the admin API. */
    static String query(Filters f, Integer limit) {
        StringBuilder q = new StringBuilder();
        java.util.function.BiConsumer<String, String> add = (k, v) -> {
            if (v != null) {
                q.append(q.isEmpty() ? "?" : "&").append(k).append('=')
                        .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        };
        add.accept("principal", f.principal);
        add.accept("tool", f.tool);
        add.accept("env", f.env);
        add.accept("decision", f.decision);
        add.accept("kind", f.kind);
        add.accept("call", f.call);
        add.accept("since", f.since);
        add.accept("until", f.until);
        add.accept("limit", limit == null ? null : limit.toString());
        return q.toString();
    }

    static List<ObjectNode> records(tools.jackson.databind.JsonNode answer) {
        List<ObjectNode> out = new java.util.ArrayList<>();
        answer.path("records").forEach(r -> out.add((ObjectNode) r));
        return out;
    }

    @Command(name = "verify", description = "Checks every chain and every checkpoint signature; names the first bad record. Exit 0 only when intact.")
    static final class Verify implements Callable<Integer> {
        @Mixin ConfigOption opt;
        @Option(names = "--json", description = "print the report as JSON") boolean json;

        @Override
        public Integer call() throws ConfigException {
            return served(opt, gateway -> {
                ObjectNode answer = (ObjectNode) gateway.send("GET", "/admin/api/audit/verify", null);
                answer.remove("intact");
                return report(Json.MAPPER.treeToValue(answer, Verifier.Report.class));
            }, (cfg, store) -> report(new Verifier(store, AuditLog.trustedKeys(cfg.audit())).run()));
        }

        private int report(Verifier.Report r) {
            if (json) {
                ObjectNode out = (ObjectNode) Json.MAPPER.valueToTree(r);
                out.put("intact", r.intact());
                System.out.println(Json.write(out));
            } else {
                AuditText.verify(r, System.out);
            }
            return r.intact() ? Exit.OK : Exit.FAILED;
        }
    }

    /** The search filters, shared by search and export. */
    static final class Filters {
        @Option(names = "--principal", description = "the principal's subject") String principal;
        @Option(names = "--tool", description = "the tool as called (a trailing * matches a prefix)") String tool;
        @Option(names = "--env", description = "the environment") String env;
        @Option(names = "--decision", description = "allowed, refused, failed or error") String decision;
        @Option(names = "--kind", description = "call, intent, task_result, resource_read, resource_subscribe, prompt_get, completion, prune, approval_requested, approval_vote, approval_decided, approval_expired, roots or kill_switch") String kind;
        @Option(names = "--call", description = "one call's id (its intent and outcome)") String call;
        @Option(names = "--since", description = "ISO-8601 time or age (15m, 2h, 7d)") String since;
        @Option(names = "--until", description = "ISO-8601 time or age (15m, 2h, 7d)") String until;

        AuditQuery.Filter filter(int limit) {
            Instant now = Instant.now();
            return new AuditQuery.Filter(principal, tool, env, decision, AuditQuery.time(since, now), AuditQuery.time(until, now), kind, limit, call);
        }
    }

    @Command(name = "search", description = "Finds records by principal, tool, environment, decision and time; newest first.")
    static final class Search implements Callable<Integer> {
        @Mixin ConfigOption opt;
        @Mixin Filters filters;
        @Option(names = "--limit", defaultValue = "100", description = "at most this many records (default 100)") int limit;
        @Option(names = "--json", description = "JSON (an array of records) instead of a table") boolean json;

        @Override
        public Integer call() throws ConfigException {
            return served(opt, gateway -> show(records(gateway.send("GET", "/admin/api/audit/records" + query(filters, limit), null))),
                    (cfg, store) -> show(new AuditQuery(store).search(filters.filter(limit))));
        }

        private int show(List<ObjectNode> found) {
            {
                if (json) {
                    System.out.println(Json.write(Json.MAPPER.valueToTree(found)));
                } else {
                    AuditText.table(found, System.out);
                }
                return found.isEmpty() ? Exit.FAILED : Exit.OK;
            }
        }
    }

    @Command(name = "trace", description = "Every call made for one user request (W3C trace id or user-request id), in order: the full chain.")
    static final class Trace implements Callable<Integer> {
        @Mixin ConfigOption opt;
        @Parameters(index = "0", paramLabel = "REQUEST-ID", description = "the traceparent's trace id, or the io.portcullis/userRequest id") String id;
        @Option(names = "--json", description = "JSON (an array of records) instead of text") boolean json;

        @Override
        public Integer call() throws ConfigException {
            return served(opt, gateway -> show(records(gateway.send("GET", "/admin/api/audit/trace/"
                            + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"), null))),
                    (cfg, store) -> show(new AuditQuery(store).trace(id)));
        }

        private int show(List<ObjectNode> found) {
            {
                if (json) {
                    System.out.println(Json.write(Json.MAPPER.valueToTree(found)));
                } else {
                    AuditText.trace(id, found, System.out);
                }
                return found.isEmpty() ? Exit.FAILED : Exit.OK;
            }
        }
    }

    @Command(name = "export", description = "Writes records as JSON Lines (for a SIEM), in chain order.")
    static final class Export implements Callable<Integer> {
        @Mixin ConfigOption opt;
        @Mixin Filters filters;
        @Option(names = "--out", description = "the file to write (default: standard output)") Path out;

        @Override
        public Integer call() throws ConfigException {
            return served(opt, gateway -> write(line -> {
                try {
                    return gateway.lines("/admin/api/audit/export" + query(filters, null), line);
                } catch (IOException | InterruptedException | AdminClient.Unreachable e) {
                    throw new Wrapped(e);
                }
            }), (cfg, store) -> write(line -> new AuditQuery(store).export(filters.filter(Integer.MAX_VALUE), line)));
        }

        /** Carries a checked failure of the source out of {@link #write}'s lambda. */
        static final class Wrapped extends RuntimeException {
            Wrapped(Exception e) {
                super(e);
            }
        }

        interface Source {
            long each(java.util.function.Consumer<String> line);
        }

        private int write(Source source) throws Exception {
            try {
                return writeAll(source);
            } catch (Wrapped w) {
                throw (Exception) w.getCause();
            }
        }

        private int writeAll(Source source) throws IOException {
            {
                BufferedWriter opened;
                try {
                    opened = out == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                            : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new CliFailure(CliFailure.file("cannot write the export file", out, e)); // #11 item 23
                }
                try (BufferedWriter w = opened) {
                    long n = source.each(line -> {
                        try {
                            w.write(line);
                            w.write('\n');
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    w.flush();
                    if (out != null) {
                        System.err.println("portcullis: wrote " + n + " record(s) to " + out);
                    }
                }
                return Exit.OK;
            }
        }
    }

    @Command(name = "keygen", description = "Creates an Ed25519 signing key for checkpoints (PKCS#8 PEM); never overwrites a file.")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "the key file to create") Path out;

        @Override
        public Integer call() {
            try {
                var pair = SigningKeys.generate(out);
                System.err.println("portcullis: wrote " + out + " (fingerprint " + SigningKeys.fingerprint(pair.getPublic())
                        + "); set audit.signing_key to it");
                System.out.print(SigningKeys.publicPem(pair.getPublic()));
                return 0;
            } catch (IOException e) {
                System.err.println("portcullis: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "rotate-key", description = "Creates a new signing key and records the handover in the checkpoint chain, "
            + "so that verify keeps trusting what the old key signed (#11 item 18). Run it with the gateway stopped, then set "
            + "audit.signing_key to the new file.")
    static final class RotateKey implements Callable<Integer> {
        @Mixin ConfigOption opt;
        @Option(names = "--out", required = true, description = "the new key file to create (never overwritten)") Path out;

        @Override
        public Integer call() throws ConfigException {
            // before the store is opened: an exclusive gateway's store could not be, and the reason is the key anyway
            var holder = io.portcullis.store.DataDirLock.holder(opt.load().server().dataDir());
            if (holder.isPresent()) {
                System.err.println("portcullis: stop the gateway first (" + holder.get() + "): it signs with the old key until it restarts");
                return Exit.USAGE;
            }
            return withStore(opt, (cfg, store) -> {
                var pair = io.portcullis.audit.KeyRotation.keys(cfg.audit().signingKey(), out);
                long seq = io.portcullis.audit.KeyRotation.rotate(store, cfg.audit(), pair[0], pair[1]);
                System.err.println("portcullis: wrote " + out + " (fingerprint " + SigningKeys.fingerprint(pair[1].getPublic())
                        + ") and rotation checkpoint " + seq + ", signed by the new key and vouched for by the old one; now set "
                        + "audit.signing_key: " + out + " and start the gateway. Verify trusts the old key for the checkpoints "
                        + "before the rotation; other nodes need the new public key in audit.trusted_keys (audit pubkey).");
                return 0;
            });
        }
    }

    @Command(name = "pubkey", description = "Prints the public key of the configured signing key (X.509 PEM), for verifiers and other nodes' audit.trusted_keys.")
    static final class Pubkey implements Callable<Integer> {
        @Mixin ConfigOption opt;

        @Override
        public Integer call() throws ConfigException {
            AuditConfig a = opt.load().audit(); // problems: exit 2 (Main)
            try {
                var pair = SigningKeys.read(a.signingKey());
                PrintStream o = System.out;
                o.print(SigningKeys.publicPem(pair.getPublic()));
                System.err.println("portcullis: fingerprint " + SigningKeys.fingerprint(pair.getPublic()));
                return 0;
            } catch (IOException e) {
                System.err.println("portcullis: " + e.getMessage());
                return 2;
            }
        }
    }
}
