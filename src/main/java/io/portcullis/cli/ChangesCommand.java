package io.portcullis.cli;

import io.portcullis.protocol.Json;
import io.portcullis.text.Visible;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code portcullis changes list|show|approve|reject} (#15 item 4, C7.2): config changes that widen
 * what someone may do, held for a second person, as a client of the running gateway's admin API with
 * the reviewer's own token (as {@link ReviewCommand}).
 */
@Command(name = "changes", description = "Lists, shows, approves and rejects config changes held for review (change_control) through the gateway's admin API.",
        subcommands = {ChangesCommand.ListChanges.class, ChangesCommand.Show.class, ChangesCommand.Approve.class, ChangesCommand.Reject.class})
final class ChangesCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", description = "Lists the held config changes (and decided ones), newest first.")
    static final class ListChanges extends AdminCall {
        @Override
        JsonNode send() throws Exception {
            return target.send("GET", "/admin/api/changes", null);
        }

        @Override
        void print(JsonNode out) {
            System.out.println("running on: " + Visible.escape(out.path("running_on").asString()));
            for (JsonNode c : out.path("changes")) {
                System.out.printf("%s  %-10s  widens %s  by %s  approvals %d of %d  held %s%n", c.path("id").asString(),
                        c.path("state").asString(), Visible.escape(c.path("environments").toString()), author(c),
                        c.path("approvers").size(), c.path("quorum").asInt(), c.path("held_at").asString());
            }
            if (out.path("changes").isEmpty()) {
                System.out.println("no config change is held");
            }
        }
    }

    @Command(name = "show", description = "Shows one held config change: its author, reviewers and diff.")
    static final class Show extends AdminCall {
        @Parameters(index = "0", description = "the change id (as list prints it)")
        String id;

        @Override
        JsonNode send() throws Exception {
            return target.send("GET", withId("/admin/api/changes/show", id), null);
        }

        @Override
        void print(JsonNode c) {
            System.out.println("change " + c.path("id").asString() + " (" + c.path("state").asString() + ", held "
                    + c.path("held_at").asString() + ")");
            System.out.println("config: " + Visible.escape(c.path("source").asString()) + " sha256 " + c.path("config_hash").asString());
            System.out.println("author: " + author(c));
            System.out.println("widens: " + Visible.escape(c.path("environments").toString()) + "; needs " + c.path("quorum").asInt()
                    + " reviewer(s); approved by " + Visible.escape(c.path("approvers").toString()));
            if (c.path("reason").isString()) {
                System.out.println("reason: " + Visible.escape(c.path("reason").asString()));
            }
            for (JsonNode line : c.path("diff")) {
                System.out.println(Visible.escape(line.asString()));
            }
        }
    }

    @Command(name = "approve", description = "Approves a held change (a role of change_control.reviewers; not its author).")
    static final class Approve extends AdminCall {
        @Parameters(index = "0", description = "the change id")
        String id;

        @Override
        JsonNode send() throws Exception {
            return target.send("POST", "/admin/api/changes/approve", Json.object().put("id", id));
        }

        @Override
        void print(JsonNode c) {
            System.out.println("change " + id + (c.path("state").asString().equals("approved") ? " approved: it is applied"
                    : " approval recorded (" + c.path("approvers").size() + " of " + c.path("quorum").asInt() + "); it stays held"));
        }
    }

    @Command(name = "reject", description = "Rejects a held change: the gateway stays on the last approved config.")
    static final class Reject extends AdminCall {
        @Parameters(index = "0", description = "the change id")
        String id;

        @Option(names = "--reason", required = true, description = "why, recorded with your decision")
        String reason;

        @Override
        JsonNode send() throws Exception {
            return target.send("POST", "/admin/api/changes/reject", Json.object().put("id", id).put("reason", reason));
        }

        @Override
        void print(JsonNode c) {
            System.out.println("change " + id + " rejected: the gateway stays on the last approved config");
        }
    }

    private static String author(JsonNode c) {
        String a = c.path("author").isString() ? c.path("author").asString() : "(not named)";
        return Visible.escape(a) + (c.path("file_owner").isString() ? " (file owner " + Visible.escape(c.path("file_owner").asString()) + ")" : "");
    }
}
