package io.portcullis.readiness;

import io.portcullis.protocol.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The readiness report: every checklist line (C1.1 … C7.3) for every environment, and the G1
 * gate that follows from sections 1–4. Immutable; computed when a config or catalog is applied,
 * never per call. The JSON form is documented in {@code docs/readiness.md}.
 *
 * @param generatedAt  when it was computed
 * @param environments one entry per environment, in config order
 */
public record Report(Instant generatedAt, List<EnvironmentReport> environments) {

    /** Schema version of {@link #toJson}; bumped when a field changes meaning. */
    public static final int SCHEMA_VERSION = 1;

    public Report {
        environments = List.copyOf(environments);
    }

    /** A line's outcome. */
    public enum Status {
        PASS, FAIL, NOT_APPLICABLE;

        public String id() {
            return name().toLowerCase();
        }
    }

    /**
     * One checklist line in one environment.
     *
     * @param id       the checklist id, e.g. {@code C4.2}
     * @param text     the line as the checklist words it
     * @param status   pass, fail or not applicable
     * @param evidence what was checked, concretely (tools, issuers, rules, files)
     * @param fix      on fail: what to do (a config snippet or a command); null otherwise
     */
    public record Line(String id, String text, Status status, List<String> evidence, String fix) {
        public Line {
            evidence = List.copyOf(evidence);
        }

        /** The section number: 1 for C1.x. */
        public int section() {
            return id.charAt(1) - '0';
        }

        /**
         * A failure no deployment can fix: the control is not built in this version and no stage of
         * the running pipeline declares it. {@code readiness --strict} reports these but does not
         * count them (#11 item 22).
         */
        public boolean notBuilt() {
            return status == Status.FAIL && evidence.stream().anyMatch(e -> e.startsWith(Checklist.NOT_BUILT));
        }
    }

    /**
     * The failing lines a deployment can fix (every FAIL that is not {@link Line#notBuilt}), as
     * {@code "env C4.2"}; what {@code readiness --strict} exits 1 on.
     */
    public List<String> fixableFailures() {
        List<String> out = new java.util.ArrayList<>();
        environments.forEach(e -> e.lines().stream().filter(l -> l.status() == Status.FAIL && !l.notBuilt())
                .forEach(l -> out.add(e.name() + " " + l.id())));
        return out;
    }

    /** The failing lines whose control this version does not have, as {@code "env C6.3"}. */
    public List<String> notBuiltFailures() {
        List<String> out = new java.util.ArrayList<>();
        environments.forEach(e -> e.lines().stream().filter(Line::notBuilt).forEach(l -> out.add(e.name() + " " + l.id())));
        return out;
    }

    /**
     * The G1 gate of one environment.
     *
     * @param closed         whether tools that are not read-only are refused there
     * @param failing        the failing lines of sections 1–4 (empty when the gate is open on its merits)
     * @param enforced       false when {@code readiness.gate.enforce: false} (nothing is refused)
     * @param overrideReason the reason of an explicit override opening it, or null
     */
    public record Gate(boolean closed, List<String> failing, boolean enforced, String overrideReason) {
        public Gate {
            failing = List.copyOf(failing);
        }

        /** The refusal text naming the failing lines. */
        public String refusal(String tool, String environment) {
            return "tool " + tool + " changes things and environment " + environment
                    + " is kept read-only until readiness lines " + String.join(", ", failing)
                    + " pass (checklist G1); run `portcullis readiness --env " + environment + "` to see what to fix";
        }
    }

    /** All lines of one environment and its gate. */
    public record EnvironmentReport(String name, boolean production, List<Line> lines, Gate gate) {
        public EnvironmentReport {
            lines = List.copyOf(lines);
        }

        public Optional<Line> line(String id) {
            return lines.stream().filter(l -> l.id().equals(id)).findFirst();
        }

        public long count(Status s) {
            return lines.stream().filter(l -> l.status() == s).count();
        }
    }

    /**
     * #15 item 4 ("says so in ... readiness"): this report with {@code note} (a config change held for
     * review, the gateway running on the last approved config) added to the evidence of C7.2 in
     * {@code environments}. The statuses and gates stay as they are: the hold is the control working.
     */
    public Report withHeldChange(java.util.Collection<String> environments, String note) {
        List<EnvironmentReport> out = new java.util.ArrayList<>();
        for (EnvironmentReport e : environments()) {
            if (!environments.contains(e.name())) {
                out.add(e);
                continue;
            }
            List<Line> lines = e.lines().stream().map(l -> !l.id().equals("C7.2") ? l : new Line(l.id(), l.text(), l.status(),
                    java.util.stream.Stream.concat(l.evidence().stream(), java.util.stream.Stream.of(note)).toList(), l.fix())).toList();
            out.add(new EnvironmentReport(e.name(), e.production(), lines, e.gate()));
        }
        return new Report(generatedAt(), out);
    }

    public Optional<EnvironmentReport> environment(String name) {
        return environments.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /**
     * The gate of an environment. An environment the report does not know is closed (fail closed):
     * the failing line is named {@code readiness}.
     */
    public Gate gate(String environment) {
        return environment(environment).map(EnvironmentReport::gate)
                .orElse(new Gate(true, List.of("readiness"), true, null));
    }

    /** Whether any line fails in any environment (for {@code --strict}). */
    public boolean anyFailure() {
        return environments.stream().anyMatch(e -> e.count(Status.FAIL) > 0);
    }

    /** The report limited to one environment. */
    public Report only(String environment) {
        return new Report(generatedAt, environments.stream().filter(e -> e.name().equals(environment)).toList());
    }

    /** The documented JSON form (docs/readiness.md). */
    public ObjectNode toJson() {
        ObjectNode r = Json.object().put("schema_version", SCHEMA_VERSION).put("generated_at", generatedAt.toString());
        ArrayNode envs = r.putArray("environments");
        for (EnvironmentReport e : environments) {
            ObjectNode o = envs.addObject().put("name", e.name()).put("production", e.production());
            o.putObject("summary").put("pass", e.count(Status.PASS)).put("fail", e.count(Status.FAIL))
                    .put("not_applicable", e.count(Status.NOT_APPLICABLE));
            ObjectNode g = o.putObject("gate").put("state", e.gate().closed() ? "closed" : "open")
                    .put("enforced", e.gate().enforced());
            e.gate().failing().forEach(g.putArray("failing")::add);
            g.put("override_reason", e.gate().overrideReason());
            ArrayNode lines = o.putArray("lines");
            for (Line l : e.lines()) {
                ObjectNode lo = lines.addObject().put("id", l.id()).put("text", l.text()).put("status", l.status().id());
                l.evidence().forEach(lo.putArray("evidence")::add);
                lo.put("fix", l.fix());
            }
        }
        return r;
    }
}
