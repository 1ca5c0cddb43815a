package io.portcullis.cli;

import io.portcullis.config.GatewayConfig;
import io.portcullis.credentials.GrantStore;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code portcullis credentials list|revoke} (#16 item 1): the per-user OAuth grants of
 * {@code user_oauth} upstreams. Through the running gateway's admin API when one serves the data
 * directory, else in the store ({@link Served}). Never prints a token: the fingerprint of each
 * grant's access token (first 12 hex digits of its SHA-256) and the id of the KEK that wraps it.
 */
@Command(name = "credentials", description = "Lists and revokes users' OAuth grants to upstreams (mode user_oauth).",
        subcommands = {CredentialsCommand.ListGrants.class, CredentialsCommand.Revoke.class})
final class CredentialsCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "list", description = "Lists the grants (user, issuer, upstream, scope, token fingerprint, KEK, expiry).")
    static final class ListGrants implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the gateway's config file")
        Path config;

        @Option(names = "--user", description = "only this user's grants (their subject)")
        String user;

        @Option(names = "--upstream", description = "only grants to this upstream")
        String upstream;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = Configs.load(config);
            return Served.run(cfg, gateway -> {
                String q = "/admin/api/credentials" + query();
                JsonNode all = gateway.send("GET", q, null);
                List<String[]> rows = new ArrayList<>();
                all.path("grants").forEach(g -> rows.add(new String[] {g.path("user").asString(), g.path("issuer").asString(),
                        g.path("upstream").asString(), g.path("scope").asString(), g.path("token_sha256_prefix").asString(),
                        g.path("kek").asString(), g.path("expires").isString() ? g.path("expires").asString() : "-"}));
                print(rows);
                return Exit.OK;
            }, store -> {
                List<String[]> rows = new ArrayList<>();
                for (GrantStore.Row r : GrantStore.open(store).list(user, upstream)) {
                    rows.add(new String[] {r.key().subject(), r.key().issuer(), r.key().upstream(), r.key().scope(), r.fingerprint(),
                            r.sealed().kekId(), r.expiresAt() == null ? "-" : r.expiresAt().toString()});
                }
                print(rows);
                return Exit.OK;
            });
        }

        private String query() {
            List<String> q = new ArrayList<>();
            if (user != null) {
                q.add("user=" + java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8));
            }
            if (upstream != null) {
                q.add("upstream=" + java.net.URLEncoder.encode(upstream, java.nio.charset.StandardCharsets.UTF_8));
            }
            return q.isEmpty() ? "" : "?" + String.join("&", q);
        }

        private static void print(List<String[]> rows) {
            if (rows.isEmpty()) {
                System.out.println("no grants");
                return;
            }
            System.out.println("USER\tISSUER\tUPSTREAM\tSCOPE\tTOKEN_SHA256\tKEK\tEXPIRES");
            rows.forEach(r -> System.out.println(String.join("\t", java.util.Arrays.stream(r).map(io.portcullis.text.Visible::escape).toList())));
        }
    }

    @Command(name = "revoke", description = "Deletes a user's grants; their next call to the upstream asks for consent again.")
    static final class Revoke implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the gateway's config file")
        Path config;

        @Option(names = "--user", required = true, description = "the user (their subject)")
        String user;

        @Option(names = "--upstream", description = "only the grant to this upstream (default: every upstream)")
        String upstream;

        @Option(names = "--issuer", description = "only the grant of this issuer's user (default: any issuer)")
        String issuer;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = Configs.load(config);
            return Served.run(cfg, gateway -> {
                JsonNode r = gateway.send("POST", "/admin/api/credentials/revoke",
                        Json.object().put("user", user).put("upstream", upstream).put("issuer", issuer));
                done(r.path("revoked").asInt());
                return Exit.OK;
            }, store -> {
                done(GrantStore.open(store).revoke(user, issuer, upstream));
                return Exit.OK;
            });
        }

        private void done(int n) {
            System.out.println("revoked " + n + " grant(s) of " + user + " to " + (upstream == null ? "every upstream" : upstream));
        }
    }
}
