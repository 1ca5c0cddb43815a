package io.portcullis.cli;

import io.portcullis.protocol.Json;
import io.portcullis.text.Visible;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
    static final class ListReviews implements Callable<Integer> {
        @Mixin
        ApprovalsCommand.Target target = new ApprovalsCommand.Target();

        @Override
        public Integer call() throws Exception {
            JsonNode list = target.send("GET", "/admin/api/reviews", null);
            if (list == null) {
                return Exit.USAGE; // no token
            }
            for (JsonNode r : list) {
                System.out.printf("%s  %-8s  %s  %d findings%s%n", Visible.escape(r.path("id").asString()), r.path("state").asString(),
                        r.path("pinned_hash").isNull() ? "new" : "changed", r.path("findings").size(),
                        r.path("findings").isEmpty() ? "" : " (worst: " + r.path("findings").get(0).path("severity").asString() + ")");
            }
            if (list.isEmpty()) {
                System.out.println("nothing waits for review");
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Shows one definition: what changed (pinned vs served) and the scanner's findings.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ApprovalsCommand.Target target = new ApprovalsCommand.Target();

        @Parameters(index = "0", description = "the review id, UPSTREAM/KIND/NAME (as list prints it)")
        String id;

        @Override
        public Integer call() throws Exception {
            JsonNode r = target.send("GET", "/admin/api/reviews/show?id=" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8), null);
            if (r == null) {
                return Exit.USAGE; // no token
            }
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
            return 0;
        }
    }

    @Command(name = "accept", description = "Accepts the served definition (you need a role of pins.reviewers).")
    static final class Accept implements Callable<Integer> {
        @Mixin
        ApprovalsCommand.Target target = new ApprovalsCommand.Target();

        @Parameters(index = "0", description = "the review id, UPSTREAM/KIND/NAME")
        String id;

        @Option(names = "--hash", required = true, description = "the served hash you reviewed (as show prints it)")
        String hash;

        @Option(names = "--override", description = "why to accept despite blocking findings; recorded with your decision")
        String override;

        @Override
        public Integer call() throws Exception {
            var body = Json.object().put("id", id).put("hash", hash);
            if (override != null) {
                body.put("override", override);
            }
            JsonNode r = target.send("POST", "/admin/api/reviews/accept", body);
            if (r == null) {
                return Exit.USAGE;
            }
            String decision = r.path("decision").asString("accepted");
            System.out.println(decision.equals("accepted") ? Visible.escape(id) + " accepted: " + hash + " is now its pin"
                    : Visible.escape(id) + " " + decision + " reviewers (pins.quorum): it stays refused until the others accept "
                    + hash);
            return 0;
        }
    }

    @Command(name = "reject", description = "Rejects the served definition: it stays refused.")
    static final class Reject implements Callable<Integer> {
        @Mixin
        ApprovalsCommand.Target target = new ApprovalsCommand.Target();

        @Parameters(index = "0", description = "the review id, UPSTREAM/KIND/NAME")
        String id;

        @Option(names = "--hash", required = true, description = "the served hash you reviewed")
        String hash;

        @Option(names = "--reason", required = true, description = "why, recorded with your decision")
        String reason;

        @Override
        public Integer call() throws Exception {
            JsonNode r = target.send("POST", "/admin/api/reviews/reject", Json.object().put("id", id).put("hash", hash).put("reason", reason));
            if (r == null) {
                return Exit.USAGE;
            }
            System.out.println(Visible.escape(id) + " rejected: it stays refused");
            return 0;
        }
    }
}
