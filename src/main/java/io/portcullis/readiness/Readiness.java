package io.portcullis.readiness;

import io.portcullis.catalog.Catalog;
import io.portcullis.config.ReadinessConfig;
import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.policy.Policy;
import io.portcullis.readiness.Report.EnvironmentReport;
import io.portcullis.readiness.Report.Gate;
import io.portcullis.readiness.Report.Line;
import io.portcullis.readiness.Report.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The readiness checklist evaluated against a live gateway (C1.1 … C7.3) and the G1 gate derived
 * from it: while any line of sections 1–4 fails in an environment, tools that are not read-only
 * are refused there. The one public entry of this package.
 *
 * <p>Evaluation is pure: config, catalog and policy in, {@link Report} out. The gateway computes
 * it when a config or a catalog is applied and caches it; calls only read the cached gate.
 */
public final class Readiness {
    private Readiness() {}

    /**
     * Evaluates every line for every environment. Never throws for a valid config: a check that
     * breaks becomes a failing line naming the error, so a broken check closes the gate (fail closed).
     *
     * @param changelog whether applied configs are recorded in the store (C7.3)
     * @param stages    the running pipeline: stage name → the checklist lines it enforces, in
     *                  order ({@code Pipeline.controls()}); lines that rest on a per-call control
     *                  fail when no stage declares them (#11 item 22)
     */
    public static Report evaluate(GatewayConfig config, Catalog catalog, Policy policy, boolean changelog,
                                  Map<String, List<String>> stages) {
        return evaluate(config, catalog, policy, changelog, stages, null);
    }

    /**
     * As above, with the node's run-time kill switches (#14 item 2): C6.2 shows those in force and fails
     * while they cannot be read from the store; without them (null) C6.2 fails (not wired).
     */
    public static Report evaluate(GatewayConfig config, Catalog catalog, Policy policy, boolean changelog,
                                  Map<String, List<String>> stages, io.portcullis.killswitch.KillSwitches kills) {
        Controls controls = new Controls(stages);
        List<EnvironmentReport> envs = new ArrayList<>();
        for (EnvironmentConfig env : config.environments()) {
            Facts f = Facts.of(config, catalog, policy, env, changelog, controls, kills);
            List<Line> lines = new ArrayList<>();
            lines.addAll(safely(IdentityChecks::check, f, "C1."));
            lines.addAll(safely(InventoryChecks::check, f, "C2."));
            lines.addAll(safely(PolicyChecks::check, f, "C3."));
            lines.addAll(safely(AuditChecks::check, f, "C4."));
            lines.addAll(safely(OperationChecks::check, f, "C5."));
            lines.replaceAll(controls::apply);
            envs.add(new EnvironmentReport(env.name(), env.production(), lines, gate(config, env, lines)));
        }
        return new Report(Instant.now(), envs);
    }

    private static Gate gate(GatewayConfig config, EnvironmentConfig env, List<Line> lines) {
        List<String> failing = lines.stream().filter(l -> l.section() <= 4 && l.status() == Status.FAIL).map(Line::id).toList();
        ReadinessConfig rc = config.readiness();
        // the reader refuses overrides of production environments; this keeps it so for any other caller
        String override = env.production() ? null : rc.overrides().get(env.name());
        // #11 item 7: likewise 'enforce: false' (which the reader refuses beside production) never opens production
        boolean enforced = rc.enforce() || env.production();
        boolean closed = enforced && !failing.isEmpty() && override == null;
        return new Gate(closed, failing, enforced, override);
    }

    private static List<Line> safely(java.util.function.Function<Facts, List<Line>> checks, Facts f, String section) {
        try {
            return checks.apply(f);
        } catch (RuntimeException e) {
            // fail closed: every line of the section fails and says why
            return Checklist.LINES.keySet().stream().filter(id -> id.startsWith(section)
                            || (section.equals("C5.") && id.charAt(1) >= '5'))
                    .map(id -> Checklist.fail(id, List.of("the check could not be evaluated: " + e), "report this as a bug"))
                    .toList();
        }
    }
}
