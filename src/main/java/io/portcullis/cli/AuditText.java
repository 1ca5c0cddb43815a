package io.portcullis.cli;

import io.portcullis.audit.Verifier;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Plain-text renderings of audit records for the terminal: a search table, one request's chain, a verify report. */
final class AuditText {
    private AuditText() {}

    static void table(List<ObjectNode> records, PrintStream out) {
        out.printf("%-27s %-8s %-14s %-28s %-18s %-22s %9s  %s%n", "TIME", "ENV", "PRINCIPAL", "TOOL", "KIND", "DECISION", "MS", "CALL");
        for (JsonNode r : records) {
            out.printf("%-27s %-8s %-14s %-28s %-18s %-22s %9s  %s%n", r.path("time").asString(""),
                    r.path("environment").asString(""), cut(r.path("principal").path("subject").asString("-"), 14),
                    cut(r.path("tool").path("name").asString("-"), 28), r.path("kind").asString(""), decision(r),
                    ms(r), r.path("call_id").asString("-"));
        }
        out.println(records.size() + " record(s)");
    }

    static void trace(String id, List<ObjectNode> records, PrintStream out) {
        if (records.isEmpty()) {
            out.println("No records for request " + id + " (give the traceparent's 32-hex trace id or the io.portcullis/userRequest id)."
                    + " A trace id seen only in the gateway's log lines (an unsampled call, no client trace context) is not"
                    + " indexed: search by the call_id of the same line, portcullis audit search --call <call-id>.");
            return;
        }
        Set<String> calls = new LinkedHashSet<>();
        Set<String> tools = new LinkedHashSet<>();
        Set<String> upstreams = new LinkedHashSet<>();
        Set<String> principals = new LinkedHashSet<>();
        Set<String> clients = new LinkedHashSet<>();
        String text = null;
        for (JsonNode r : records) {
            String kind = r.path("kind").asString("");
            if (kind.equals("call") || kind.equals("intent")) { // approval records name the call that asked, not a call of their own
                calls.add(r.path("call_id").asString(""));
            }
            tools.add(r.path("tool").path("name").asString(""));
            if (r.path("tool").has("upstream")) {
                upstreams.add(r.path("tool").path("upstream").asString());
            }
            JsonNode p = r.path("principal");
            principals.add(p.path("subject").asString() + " (" + p.path("kind").asString() + ", " + p.path("auth_method").asString() + ")");
            JsonNode c = r.path("client");
            clients.add(c.path("name").asString("?") + " " + c.path("version").asString("") + " from " + c.path("address").asString("-"));
            if (text == null && r.path("request").has("user_request_text")) {
                text = r.path("request").path("user_request_text").asString();
            }
        }
        JsonNode first = records.getFirst();
        out.println("Request " + id + ": " + calls.size() + " call(s), " + records.size() + " record(s), "
                + tools.size() + " tool(s), " + upstreams.size() + " upstream(s), "
                + first.path("time").asString() + " .. " + records.getLast().path("time").asString());
        if (text != null) {
            out.println("User request: \"" + text + "\"");
        }
        out.println("Trace: " + first.path("request").path("traceparent").asString("-")
                + "   user request id: " + first.path("request").path("user_request_id").asString("-"));
        out.println("Principal: " + String.join(", ", principals) + "   environment: " + first.path("environment").asString()
                + "   session: " + first.path("session").asString("-"));
        out.println("Client: " + String.join(", ", clients));
        out.println();
        out.printf("%3s %-27s %-18s %-28s %-10s %-15s %-22s %-28s %-14s %s%n", "#", "TIME", "KIND", "TOOL", "UPSTREAM", "RISK",
                "DECISION", "RULES", "APPROVALS", "RESULT");
        int i = 0;
        for (JsonNode r : records) {
            out.printf("%3d %-27s %-18s %-28s %-10s %-15s %-22s %-28s %-14s %s%n", ++i, r.path("time").asString(""),
                    r.path("kind").asString(), cut(r.path("tool").path("name").asString(), 28),
                    r.path("tool").path("upstream").asString("-"), r.path("tool").path("risk_class").asString("-"),
                    decision(r), list(r.path("decision").path("rule_ids")), list(r.path("decision").path("approval_ids")),
                    result(r));
            if (r.has("error")) {
                out.println("      error: " + r.path("error").path("message").asString());
            }
            if (r.path("delegation").isObject()) { // #16 item 4: who acted, as which upstream identity
                out.println("      delegation: " + delegation(r.path("delegation")));
            }
        }
    }

    /** #16 item 4: the user, the credential mode, and the upstream identity the call was sent as (never a token). */
    static String delegation(JsonNode d) {
        StringBuilder b = new StringBuilder(d.path("principal").asString("?")).append(" -> ").append(d.path("upstream").asString("?"))
                .append(" by ").append(d.path("mode").asString("?"));
        if (d.has("token_subject")) {
            b.append(" as ").append(d.path("token_subject").asString());
        }
        if (d.has("token_audience")) {
            b.append(", audience ").append(d.path("token_audience").asString());
        }
        if (d.has("actor")) {
            b.append(", actor ").append(d.path("actor").asString());
        }
        if (d.has("token_id")) {
            b.append(", jti ").append(d.path("token_id").asString());
        }
        if (d.has("token_sha256_prefix")) {
            b.append(", token sha256 ").append(d.path("token_sha256_prefix").asString()).append("...");
        }
        return b.toString();
    }

    static void verify(Verifier.Report r, PrintStream out) {
        for (Verifier.ChainReport c : r.chains()) {
            String range = c.records() == 0 ? "no records" : "records " + c.firstSeq() + ".." + c.lastSeq() + " (" + c.records() + ")";
            String anchor = c.anchorSeq() == null ? "" : ", retention anchor at " + c.anchorSeq();
            if (!c.problems().isEmpty()) {
                out.println("chain " + c.chain() + ": " + range + anchor + ": FAILED, " + c.problems().size() + " problem(s):");
                for (Verifier.Problem p : c.problems()) { // every one, not only the first (#11 item 3)
                    out.println("  FAILED at seq " + p.seq() + " [" + p.kind() + "] " + p.message());
                }
            } else {
                long unsigned = Math.max(0, c.lastSeq() - c.signedThrough());
                out.println("chain " + c.chain() + ": " + range + anchor + ": intact; signed through seq " + c.signedThrough()
                        + (unsigned > 0 ? " (" + unsigned + " newer record(s) chained, not yet covered by a checkpoint)" : ""));
            }
        }
        for (Verifier.Problem p : r.checkpointProblems()) {
            out.println("FAILED [checkpoint] " + p.message());
        }
        out.printf(Locale.ROOT, "checkpoints: %d; records: %d; %.0f records/s%n", r.checkpoints(), r.records(), r.recordsPerSecond());
        out.println(r.intact() ? "audit log INTACT" : "audit log NOT INTACT: " + r.problems().size() + " problem(s)");
    }

    private static String decision(JsonNode r) {
        JsonNode d = r.path("decision");
        if (r.path("kind").asString("").equals("prune")) {
            return "pruned " + r.path("prune").path("deleted").asLong() + " through " + r.path("prune").path("through_seq").asLong();
        }
        String outcome = d.path("outcome").asString("-");
        return d.has("control") ? outcome + " (" + d.path("control").asString() + ")" : outcome;
    }

    private static String result(JsonNode r) {
        JsonNode m = r.path("result");
        if (m.isMissingNode()) {
            return r.path("kind").asString("").equals("intent") ? "(upstream about to be called)" : "-";
        }
        String s = (m.path("is_error").asBoolean() ? "isError" : "ok") + ", " + m.path("bytes").asLong() + " B, "
                + list(m.path("content_types"));
        return m.path("redactions").isEmpty() ? s : s + ", redacted " + list(m.path("redactions"));
    }

    private static String ms(JsonNode r) {
        return r.has("duration_us") ? String.format(Locale.ROOT, "%.1f", r.path("duration_us").asLong() / 1000.0) : "-";
    }

    private static String list(JsonNode a) {
        if (a == null || a.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode x : a) {
            b.append(b.isEmpty() ? "" : ",").append(x.asString());
        }
        return b.toString();
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
