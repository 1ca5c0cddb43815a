package io.portcullis.cli;

import io.portcullis.audit.AuditQuery;
import io.portcullis.changelog.Changelog;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import io.portcullis.text.Visible;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code portcullis changelog --config F [--since T] [--tool NAME] [--format text|json|markdown]} (#15 item 6,
 * C7.3): the ordered changelog of config changes, kill switch flips, pins, quarantines and reviews
 * ({@link Changelog}). Through the running gateway's admin API when one serves the data directory, else
 * on the store ({@link Served}), as {@link KillCommand} does.
 */
@Command(name = "changelog", description = "Prints the ordered changelog: config changes, kill switches, pins, quarantines, reviews (C7.3).")
final class ChangelogCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the gateway's config file (its store holds the changelog)")
    Path config;

    @Option(names = "--since", description = "only changes at or after this time: ISO-8601 (2026-12-04T21:00:00Z) or an age (15m, 2h, 7d)")
    String since;

    @Option(names = "--tool", description = "only changes about this tool (its catalog name or its name at the upstream)")
    String tool;

    @Option(names = "--format", defaultValue = "text", description = "text (default), json or markdown")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "json", "markdown").contains(format)) {
            System.err.println("portcullis: --format is text, json or markdown, not '" + format + "'");
            return Exit.USAGE;
        }
        Instant from;
        try {
            from = AuditQuery.time(since, Instant.now());
        } catch (IllegalArgumentException e) {
            System.err.println("portcullis: --since: " + e.getMessage());
            return Exit.USAGE;
        }
        GatewayConfig cfg = Configs.load(config);
        List<JsonNode> entries = new ArrayList<>();
        Served.run(cfg, gateway -> {
            String q = "/admin/api/changelog?x=1" + (from == null ? "" : "&since=" + from)
                    + (tool == null ? "" : "&tool=" + URLEncoder.encode(tool, StandardCharsets.UTF_8));
            gateway.send("GET", q, null).path("entries").forEach(entries::add);
            return Exit.OK;
        }, store -> {
            new Changelog(store).read(from, tool).forEach(e -> entries.add(e.toJson()));
            return Exit.OK;
        });
        print(entries);
        return Exit.OK;
    }

    private void print(List<JsonNode> entries) {
        if (format.equals("json")) {
            var a = Json.array();
            entries.forEach(a::add);
            ObjectNode out = Json.object();
            Changelog.SOURCES.forEach(out.putArray("sources")::add);
            out.set("entries", a);
            System.out.println(Json.write(out));
            return;
        }
        boolean md = format.equals("markdown");
        if (md) {
            System.out.println("| time | kind | subject | who | summary | audit |");
            System.out.println("| --- | --- | --- | --- | --- | --- |");
        }
        for (JsonNode e : entries) {
            String who = e.path("who").isString() ? e.path("who").asString() : "-";
            String audit = e.path("audit").isString() ? e.path("audit").asString() : "-";
            if (md) {
                System.out.println("| " + cell(e.path("at").asString()) + " | " + cell(e.path("kind").asString()) + " | "
                        + cell(e.path("subject").asString()) + " | " + cell(who) + " | " + cell(e.path("summary").asString())
                        + diffCell(e) + " | " + cell(audit) + " |");
                continue;
            }
            System.out.printf("%s  %-11s  %s  by %s: %s%n", e.path("at").asString(), e.path("kind").asString(),
                    Visible.escape(e.path("subject").asString()), Visible.escape(who), Visible.escape(e.path("summary").asString()));
            e.path("diff").forEach(d -> System.out.println("    " + Visible.escape(d.asString())));
            if (e.path("audit").isString()) {
                System.out.println("    " + audit);
            }
        }
        if (entries.isEmpty() && !md) {
            System.out.println("no changes recorded" + (tool == null ? "" : " for " + tool) + (since == null ? "" : " since " + since));
        }
    }

    private static String diffCell(JsonNode e) {
        StringBuilder b = new StringBuilder();
        e.path("diff").forEach(d -> b.append("<br>").append(cell(d.asString())));
        return b.toString();
    }

    private static String cell(String s) {
        return Visible.escape(s).replace("|", "\\|").replace("\n", " ");
    }
}
