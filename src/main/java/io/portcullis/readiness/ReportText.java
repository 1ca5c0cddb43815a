package io.portcullis.readiness;

import io.portcullis.readiness.Report.EnvironmentReport;
import io.portcullis.readiness.Report.Gate;
import io.portcullis.readiness.Report.Line;
import io.portcullis.readiness.Report.Status;

/** The report for people: plain text for a terminal, or Markdown for a ticket or a wiki. */
public final class ReportText {
    private ReportText() {}

    public static String text(Report r) {
        StringBuilder b = new StringBuilder();
        for (EnvironmentReport e : r.environments()) {
            b.append("Environment ").append(e.name()).append(e.production() ? " (production)" : "").append(": ")
                    .append(e.count(Status.PASS)).append(" pass, ").append(e.count(Status.FAIL)).append(" fail, ")
                    .append(e.count(Status.NOT_APPLICABLE)).append(" not applicable\n");
            b.append("  ").append(gateLine(e.gate())).append("\n\n");
            for (Line l : e.lines()) {
                b.append(String.format("  %-4s %s  %s%n", mark(l.status()), l.id(), l.text()));
                for (String ev : l.evidence()) {
                    b.append("         - ").append(ev).append('\n');
                }
                if (l.fix() != null) {
                    b.append("         fix:\n");
                    for (String fl : l.fix().split("\n")) {
                        b.append("           ").append(fl).append('\n');
                    }
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    public static String markdown(Report r) {
        StringBuilder b = new StringBuilder("# Readiness report\n\nGenerated " + r.generatedAt() + ".\n");
        for (EnvironmentReport e : r.environments()) {
            b.append("\n## Environment `").append(e.name()).append('`').append(e.production() ? " (production)" : "")
                    .append("\n\n**").append(gateLine(e.gate())).append("**\n\n| Line | Status | Evidence | Fix |\n|---|---|---|---|\n");
            for (Line l : e.lines()) {
                b.append("| **").append(l.id()).append("** ").append(cell(l.text())).append(" | ").append(mark(l.status()))
                        .append(" | ").append(cell(String.join("; ", l.evidence()))).append(" | ")
                        .append(l.fix() == null ? "" : "<pre>" + cell(l.fix()).replace("\n", "<br>") + "</pre>").append(" |\n");
            }
        }
        return b.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", "<br>");
    }

    private static String mark(Status s) {
        return switch (s) {
            case PASS -> "PASS";
            case FAIL -> "FAIL";
            case NOT_APPLICABLE -> "N/A";
        };
    }

    static String gateLine(Gate g) {
        if (!g.enforced()) {
            return "GATE NOT ENFORCED (readiness.gate.enforce: false): tools that change things are allowed although "
                    + (g.failing().isEmpty() ? "nothing fails" : "lines " + String.join(", ", g.failing()) + " fail");
        }
        if (g.overrideReason() != null && !g.failing().isEmpty()) {
            return "GATE OVERRIDDEN (readiness.gate.override, reason: " + g.overrideReason() + "): tools that change things "
                    + "are allowed although lines " + String.join(", ", g.failing()) + " fail";
        }
        if (g.closed()) {
            return "Gate CLOSED: read-only until " + String.join(", ", g.failing()) + " pass (G1)";
        }
        return "Gate open: sections 1-4 pass";
    }
}
