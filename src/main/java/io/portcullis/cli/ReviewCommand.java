package io.portcullis.cli;

import io.portcullis.protocol.Json;
import io.portcullis.text.Visible;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code portcullis review list|show|accept|reject} (#15 item 2, C7.2): the review queue of pinned
 * tool, prompt and resource definitions, as a client of the running gateway's admin API with the
 * reviewer's own token (as {@link ApprovalsCommand}). {@code show} prints the pinned and the served
 * definition's differing members and the scanner's findings, every line with hidden characters
 * escaped; {@code accept} and {@code reject} name the hash that was reviewed, so a definition that
 * changed again in between is not accepted unseen.
 */
@Command(name = "review", description = "Lists, shows, accepts and rejects changed or held tool definitions (pins) through the gateway's admin API.",
        subcommands = {ReviewCommand.ListReviews.class, ReviewCommand.Show.class, ReviewCommand.Accept.class, ReviewCommand.Reject.class})
final class ReviewCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", description = "Lists the definitions waiting for review (and rejected ones).")
    static final class ListReviews extends AdminCall {
        @Override
        JsonNode send() throws Exception {
            return target.send("GET", "/admin/api/reviews", null);
        }

        @Override
        void print(JsonNode list) {
            for (JsonNode r : list) {
                System.out.printf("%s  %-8s  %s  %d findings%s%n", Visible.escape(r.path("id").asString()), r.path("state").asString(),
                        r.path("pinned_hash").isNull() ? "new" : "changed", r.path("findings").size(),
                        r.path("findings").isEmpty() ? "" : " (worst: " + r.path("findings").get(0).path("severity").asString() + ")");
            }
            if (list.isEmpty()) {
                System.out.println("nothing waits for review");
            }
        }
    }

    @Command(name = "show", description = "Shows one definition: what changed (pinned vs served) and the scanner's findings.")
    static final class Show extends AdminCall {
        @Parameters(index = "0", description = "the review id, UPSTREAM/KIND/NAME (as list prints it)")
        String id;

        @Override
        JsonNode send() throws Exception {
            return target.send("GET", withId("/admin/api/reviews/show", id), null);
        }

        @Override
        void print(JsonNode r) {
            System.out.println(Visible.escape(r.path("id").asString()) + " (" + r.path("state").asString() + ", since "
                    + r.path("since").asString() + ")");
            System.out.println("pinned: " + (r.path("pinned_hash").isNull() ? "none (never accepted)" : r.path("pinned_hash").asString()));
            System.out.println("served: " + r.path("served_hash").asString());
            for (JsonNode d : r.path("diff")) {
                System.out.println("--- " + d.path("member").asString());
                System.out.println("- " + Visible.escape(d.has("pinned") && !d.path("pinned").isNull() ? Json.write(d.path("pinned")) : "(none)"));
                System.out.println("+ " + Visible.escape(d.has("served") && !d.path("served").isNull() ? Json.write(d.path("served")) : "(none)"));
            }
            if (r.path("findings").isEmpty()) {
                System.out.println("findings: none");
            }
            for (JsonNode f : r.path("findings")) {
                System.out.println("finding: " + f.path("severity").asString() + " " + f.path("code").asString() + ": "
                        + Visible.escape(f.path("detail").asString()));
            }
        }
    }

    @Command(name = "accept", description = "Accepts the served definition (you need a role of pins.reviewers).")
    static final class Accept extends AdminCall {
        @Parameters(index = "0", description = "the review id, UPSTREAM/KIND/NAME")
        String id;

        @Option(names = "--hash", required = true, description = "the served hash you reviewed (as show prints it)")
        String hash;

        @Option(names = "--override", description = "why to accept despite blocking findings; recorded with your decision")
        String override;

        @Override
        JsonNode send() throws Exception {
            var body = Json.object().put("id", id).put("hash", hash);
            if (override != null) {
                body.put("override", override);
            }
            return target.send("POST", "/admin/api/reviews/accept", body);
        }

        @Override
        void print(JsonNode r) {
            String decision = r.path("decision").asString("accepted");
            System.out.println(decision.equals("accepted") ? Visible.escape(id) + " accepted: " + hash + " is now its pin"
                    : Visible.escape(id) + " " + decision + " reviewers (pins.quorum): it stays refused until the others accept "
                    + hash);
        }
    }

    @Command(name = "reject", description = "Rejects the served definition: it stays refused.")
    static final class Reject extends AdminCall {
        @Parameters(index = "0", description = "the review id, UPSTREAM/KIND/NAME")
        String id;

        @Option(names = "--hash", required = true, description = "the served hash you reviewed")
        String hash;

        @Option(names = "--reason", required = true, description = "why, recorded with your decision")
        String reason;

        @Override
        JsonNode send() throws Exception {
            return target.send("POST", "/admin/api/reviews/reject", Json.object().put("id", id).put("hash", hash).put("reason", reason));
        }

        @Override
        void print(JsonNode r) {
            System.out.println(Visible.escape(id) + " rejected: it stays refused");
        }
    }
}
