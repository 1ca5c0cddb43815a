package io.portcullis.readiness;

import io.portcullis.readiness.Report.Line;
import io.portcullis.readiness.Report.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * #11 item 22: lines that say "every call is checked by …" are evaluated against the pipeline the
 * gateway actually runs, not asserted. Each stage declares the checklist lines it enforces
 * ({@code Stage.checklist()}); a line below whose control no running stage declares fails and
 * names the pipeline it looked at, and a line this version only lists as not built passes as soon
 * as a stage declares it. Either way the evidence names the stages.
 */
final class Controls {
    /** Lines whose PASS rests on a stage enforcing them on every call. */
    static final Set<String> ENFORCED_PER_CALL = Set.of("C1.2", "C2.1", "C2.3", "C2.4", "C3.1", "C3.2", "C3.4", "C4.1", "C4.2",
            "C4.3", "C5.1", "C5.2", "C5.3", "C6.2", "C6.3");
    // C6.1 is not here: breakers, retries and bulkheads are applied in the upstream call itself
    // (resilience.Protection, #14 item 1), for every call and request, not by a pipeline stage.

    private final Map<String, List<String>> stages;

    /** @param stages stage name → the lines it declares, in pipeline order */
    Controls(Map<String, List<String>> stages) {
        this.stages = new LinkedHashMap<>(stages);
    }

    /** The names of the running stages that declare the line, in pipeline order. */
    List<String> enforcers(String id) {
        List<String> out = new ArrayList<>();
        stages.forEach((name, lines) -> {
            if (lines.contains(id)) {
                out.add(name);
            }
        });
        return out;
    }

    List<String> pipeline() {
        return List.copyOf(stages.keySet());
    }

    /** The line as the running pipeline supports it. */
    Line apply(Line line) {
        if (!ENFORCED_PER_CALL.contains(line.id()) || line.status() == Status.NOT_APPLICABLE) {
            return line;
        }
        List<String> by = enforcers(line.id());
        List<String> evidence = new ArrayList<>(line.evidence());
        if (by.isEmpty()) {
            if (line.status() == Status.FAIL) {
                evidence.add("no stage of the running pipeline " + pipeline() + " enforces " + line.id());
                return new Line(line.id(), line.text(), Status.FAIL, evidence, line.fix());
            }
            evidence.add(0, "no stage of the running pipeline " + pipeline() + " enforces " + line.id()
                    + ": what the config declares is not applied to calls");
            return new Line(line.id(), line.text(), Status.FAIL, evidence,
                    "this gateway runs without the control for " + line.id() + "; run a build whose pipeline has it");
        }
        String enforced = "enforced on every call by pipeline stage " + String.join(", ", by);
        if (line.status() == Status.FAIL && line.evidence().stream().anyMatch(e -> e.startsWith(Checklist.NOT_BUILT))) {
            // a stage now enforces what this version's check only knew as missing
            evidence.removeIf(e -> e.startsWith(Checklist.NOT_BUILT));
            evidence.add(0, enforced);
            return new Line(line.id(), line.text(), Status.PASS, evidence, null);
        }
        evidence.add(0, enforced);
        return new Line(line.id(), line.text(), line.status(), evidence, line.fix());
    }
}
