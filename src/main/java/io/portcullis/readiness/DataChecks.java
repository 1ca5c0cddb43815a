package io.portcullis.readiness;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.datapolicy.DataPolicy;
import io.portcullis.datapolicy.DataPolicy.Gap;
import io.portcullis.readiness.Report.Line;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Section 5 of the checklist (data handling), evaluated from the data-handling document the
 * enforced config yields ({@link DataPolicy}, #13 item 7), the same one {@code portcullis data-policy}
 * prints, not from a declared URL: C5.1 the classes in force, C5.2 what each becomes and that no
 * secret class reaches the model, C5.3 each tool's result limit, C5.4 what is excluded from
 * conversation history and how long the audit log keeps its records.
 */
final class DataChecks {
    private DataChecks() {}

    static final String COMMAND = "portcullis data-policy --env ";

    static List<Line> check(Facts f) {
        List<DataPolicy.Tool> tools = f.tools().stream()
                .map(t -> new DataPolicy.Tool(t.name(), t.upstream(), t.maxResultBytes(), t.onOversize())).toList();
        DataPolicy p = DataPolicy.derive(f.config(), f.name(), tools);
        return List.of(c51(p), c52(p), c53(f, p), c54(p, f));
    }

    /** C5.1: the egress detectors in force define what must not be returned. */
    private static Line c51(DataPolicy p) {
        if (!p.scanned()) {
            return Checklist.fail("C5.1", List.of("egress scanning is turned off (egress.enabled: false)"),
                    "turn the egress detectors on (docs/egress.md):\negress:\n  enabled: true");
        }
        if (p.classes().isEmpty()) {
            return Checklist.fail("C5.1", List.of("no egress detector is in force (every class disabled)"),
                    "keep the built-in detectors on (docs/egress.md):\negress:\n  disable: []");
        }
        return Checklist.pass("C5.1", List.of("egress detectors in force (" + p.classes().size() + " classes): "
                + String.join(", ", p.classes().keySet()) + "; see docs/egress.md and `" + COMMAND + p.environment() + "`"));
    }

    /** C5.2: what each class becomes here; fails while a secret class reaches the model (action label) for any tool. */
    private static Line c52(DataPolicy p) {
        if (!p.scanned()) {
            return Checklist.fail("C5.2", List.of("egress scanning is turned off (egress.enabled: false): results pass unredacted"),
                    "turn the egress actions on (docs/egress.md):\negress:\n  enabled: true");
        }
        List<String> ev = new ArrayList<>();
        p.excludedByAction().forEach((a, classes) -> ev.add(a + ": " + String.join(", ", classes)));
        Map<String, List<String>> reaching = p.reachingTheModel();
        reaching.forEach((cls, where) -> ev.add("reaches the model with a label only: " + cls + " (" + String.join(", ", where) + ")"));
        List<String> differing = p.tools().stream().filter(t -> !t.overrides().isEmpty()).map(t -> t.tool().name()).toList();
        if (!differing.isEmpty()) {
            ev.add("per-tool or per-upstream settings differ for: " + String.join(", ", differing));
        }
        Map<String, List<String>> secrets = p.secretsReachingTheModel();
        if (!secrets.isEmpty()) {
            ev.add(0, "secrets reach the model unredacted (action label): " + secrets);
            return Checklist.fail("C5.2", ev, "redact, mask or block every secret class (docs/egress.md), e.g.\negress:\n"
                    + "  actions: {secret.*: redact}\nand remove the label actions for secret classes from egress.environments, "
                    + "egress.upstreams and egress.tools");
        }
        return Checklist.pass("C5.2", ev);
    }

    /** C5.3: every result is held to its tool's limit; the evidence names the limits of this environment's tools. */
    private static Line c53(Facts f, DataPolicy p) {
        if (p.tools().isEmpty()) {
            return Checklist.notApplicable("C5.3", List.of("no tool is enabled in " + f.name()));
        }
        long max = f.tools().stream().mapToLong(ToolEntry::maxResultBytes).max().orElse(0);
        List<String> biggest = f.tools().stream().filter(t -> t.maxResultBytes() == max).map(ToolEntry::name).sorted().toList();
        return Checklist.pass("C5.3", List.of("every result is held to its tool's max_result_bytes before it reaches the "
                + "client; largest limit here: " + max + " bytes (" + String.join(", ", biggest) + "; catalog default "
                + f.config().catalog().maxResultBytes() + ")", "per tool: `" + COMMAND + p.environment() + "`"));
    }

    /** C5.4: the document states what is kept out of conversation history and how long the audit log keeps records. */
    private static Line c54(DataPolicy p, Facts f) {
        List<Gap> gaps = p.gaps();
        String declared = f.config().readiness().conversationPolicy();
        if (!gaps.isEmpty()) {
            List<String> ev = new ArrayList<>(gaps.stream().map(Gap::what).toList());
            if (declared != null) {
                ev.add("a declared document (" + declared + ") does not replace what the gateway enforces");
            }
            return Checklist.fail("C5.4", ev, String.join("\n", gaps.stream().map(Gap::fix).toList())
                    + "\nthen read the document: " + COMMAND + p.environment());
        }
        List<String> ev = new ArrayList<>();
        ev.add("derived from the enforced config (`" + COMMAND + p.environment() + "` prints it): "
                + p.classes().size() + " classes kept out of what reaches the model"
                + (p.reachingTheModel().isEmpty() ? "" : " except where labelled " + p.reachingTheModel().keySet()));
        ev.add("the audit log keeps call metadata, sanitized arguments and what egress found (never the value) for "
                + DataPolicy.human(p.audit().retention()));
        if (declared != null) {
            ev.add("also declared: " + declared + " (not verified)");
        }
        return Checklist.pass("C5.4", ev);
    }
}
