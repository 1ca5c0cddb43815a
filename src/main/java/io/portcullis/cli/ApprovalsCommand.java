package io.portcullis.cli;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import io.portcullis.text.Visible;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code portcullis approvals list|show|approve|deny} (C3.2, C3.3): a client of the running
 * gateway's admin API. The CLI never writes decisions into the store itself: it sends the
 * approver's own token (from {@code --token-file} or {@code PORTCULLIS_TOKEN}, never from the
 * command line, where other users could read it), so a decision made here is authenticated,
 * checked (approver role, never the caller) and recorded exactly like one made on the page.
 */
@Command(name = "approvals", description = "Lists, shows, approves and denies approval requests through the gateway's admin API.",
        subcommands = {ApprovalsCommand.ListRequests.class, ApprovalsCommand.Show.class, ApprovalsCommand.Approve.class,
                ApprovalsCommand.Deny.class})
final class ApprovalsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Where the gateway is and who is asking. */
    static final class Target {
        @Option(names = "--config", required = true, description = "the gateway's config file (for its address)")
        Path config;

        @Option(names = "--url", description = "the gateway's base URL, e.g. https://gw.example.com (default: from the config's server section)")
        String url;

        @Option(names = "--token-file", description = "a file holding your access token (default: the PORTCULLIS_TOKEN environment variable)")
        Path tokenFile;

        /** Sends one admin API request; returns null when there is no token (said on stderr); a refusal is exit 1 ({@link AdminClient}). */
        JsonNode send(String method, String path, JsonNode body) throws Exception {
            String base = url;
            if (base == null) {
                GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
                String host = cfg.server().host();
                if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
                    host = "127.0.0.1";
                }
                base = (cfg.identity().tls() != null ? "https" : "http") + "://"
                        + (host.contains(":") ? "[" + host + "]" : host) + ":" + cfg.server().port();
            }
            String token;
            try {
                token = tokenFile != null ? Files.readString(tokenFile).strip() : System.getenv("PORTCULLIS_TOKEN");
            } catch (java.io.IOException e) {
                throw new CliFailure(CliFailure.file("cannot read the token file", tokenFile, e)); // #11 item 23
            }
            if (token == null || token.isBlank()) {
                System.err.println("portcullis: no token: pass --token-file FILE or set PORTCULLIS_TOKEN (your own access token; "
                        + "the gateway records your decision under its subject)");
                return null;
            }
            try {
                return new AdminClient(base, token).send(method, path, body);
            } catch (AdminClient.Unreachable e) {
                throw new CliFailure(e.getMessage() + " (is it running? --url names another address)", Exit.FAILED);
            }
        }
    }

    @Command(name = "list", description = "Lists the approval requests you may see (newest first).")
    static final class ListRequests implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Option(names = "--status", description = "pending (default), approved, denied, expired, used or all")
        String status = "pending";

        @Override
        public Integer call() throws Exception {
            JsonNode list = target.send("GET", "/admin/api/approvals" + (status.equals("all") ? "" : "?status=" + status), null);
            if (list == null) {
                return Exit.USAGE; // no token
            }
            for (JsonNode a : list) {
                // #11 item 15: control, bidi and invisible characters shown as escapes
                System.out.printf("%s  %-8s  %s in %s  by %s  %d/%d approvals  expires %s%n", Visible.escape(a.path("id").asString()),
                        a.path("status").asString(), Visible.escape(a.path("tool").asString()), Visible.escape(a.path("environment").asString()),
                        Visible.escape(a.path("requester").path("subject").asString()), a.path("approvals").asInt(), a.path("quorum").asInt(),
                        a.path("expires").asString());
            }
            if (list.isEmpty()) {
                System.out.println("no " + (status.equals("all") ? "" : status + " ") + "approval requests");
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Shows one request: who asked, what exactly, why, and every decision.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Parameters(index = "0", description = "the approval id (apr_...)")
        String id;

        @Override
        public Integer call() throws Exception {
            JsonNode a = target.send("GET", "/admin/api/approvals/" + id, null);
            if (a == null) {
                return Exit.USAGE; // no token
            }
            // JSON escapes control characters itself; bidi and invisible ones it leaves raw, and a
            // terminal would reorder or hide them (#11 item 15): every line is escaped as well
            String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(a);
            text.lines().map(Visible::escape).forEach(System.out::println);
            if (!a.path("hidden_characters").isEmpty()) {
                System.out.println("note: the values at " + a.path("hidden_characters")
                        + " contain control, bidi or invisible characters, shown above as \\u escapes");
            }
            System.out.println("note: " + a.path("masked_note").asString(""));
            return 0;
        }
    }

    abstract static class Decide implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Parameters(index = "0", description = "the approval id (apr_...)")
        String id;

        @Option(names = "--comment", required = true, description = "why, recorded with your decision")
        String comment;

        abstract String verdict();

        @Override
        public Integer call() throws Exception {
            JsonNode a = target.send("POST", "/admin/api/approvals/" + id + "/" + verdict(), Json.object().put("comment", comment));
            if (a == null) {
                return Exit.USAGE; // no token
            }
            JsonNode last = a.path("decisions").path(a.path("decisions").size() - 1);
            System.out.println("approval " + id + " is now " + a.path("status").asString() + " (" + verdict() + " recorded for "
                    + last.path("approver").path("subject").asString() + " at " + last.path("at").asString() + ")");
            return 0;
        }
    }

    @Command(name = "approve", description = "Approves a request (you must hold one of its approver roles and not be its caller).")
    static final class Approve extends Decide {
        @Override
        String verdict() {
            return "approve";
        }
    }

    @Command(name = "deny", description = "Denies a request.")
    static final class Deny extends Decide {
        @Override
        String verdict() {
            return "deny";
        }
    }
}
