package io.portcullis.cli;

import io.portcullis.Gateway;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import io.portcullis.readiness.Report;
import io.portcullis.readiness.ReportText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "readiness", description = "Evaluates the readiness checklist (C1.1-C7.3) against a config and its "
        + "live upstreams, per environment, with evidence and what to fix; shows each environment's G1 gate.")
final class ReadinessCommand implements Callable<Integer> {
    @Option(names = "--config", description = "the config file (default: the built-in demo)")
    Path config;

    @Option(names = "--env", description = "only this environment")
    String env;

    @Option(names = "--format", defaultValue = "text", description = "text, json or markdown")
    String format;

    @Option(names = "--strict", arity = "0..1", fallbackValue = "built", paramLabel = "all",
            description = "exit 1 when a line of the reported environments fails that the deployment can fix, or "
            + "when an upstream was not ready (its tools are then missing from the report); lines whose control this "
            + "version does not have are listed on stderr and not counted. --strict=all counts those too")
    String strict;


    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "json", "markdown").contains(format)) {
            System.err.println("--format must be text, json or markdown");
            return 2;
        }
        GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
        if (env != null && cfg.environment(env).isEmpty()) {
            System.err.println("environment '" + env + "' is not declared in the config");
            return 2;
        }
        Report report;
        List<String> notReady;
        try (InspectedGateway inspected = new InspectedGateway(cfg)) { // beside a running serve too
            Gateway gateway = inspected.gateway;
            gateway.start();
            notReady = gateway.awaitUpstreams(Duration.ofSeconds(30));
            gateway.apply(inspected.config);
            notReady.forEach(u -> System.err.println("warning: upstream " + u + " is not ready; its tools are not checked"));
            report = gateway.readiness(); // evaluated when the config was applied (#12 item 4: readiness does not import Gateway)
        }
        if (env != null) {
            report = report.only(env);
        }
        switch (format) {
            case "json" -> System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
            case "markdown" -> System.out.print(ReportText.markdown(report));
            default -> System.out.print(ReportText.text(report));
        }
        if (strict == null) {
            return 0;
        }
        if (!List.of("built", "all").contains(strict)) {
            System.err.println("--strict takes no value or 'all', not '" + strict + "'");
            return 2;
        }
        boolean all = strict.equals("all");
        // #11 item 22: --strict passes a complete report with no failing line the deployment can fix
        // (N/A is not a failure; a line whose control is not built is named, not counted)
        if (!all && !report.notBuiltFailures().isEmpty()) {
            System.err.println("--strict: not counted, not built in this version (nothing to configure): "
                    + report.notBuiltFailures());
        }
        if (!notReady.isEmpty()) {
            System.err.println("--strict: upstreams " + notReady + " were not ready, so their tools are not in this report; "
                    + "it cannot pass until they are");
            return 1;
        }
        List<String> failing = new java.util.ArrayList<>(report.fixableFailures());
        if (all) {
            failing.addAll(report.notBuiltFailures());
        }
        if (!failing.isEmpty()) {
            System.err.println("--strict: failing: " + failing);
            return 1;
        }
        return 0;
    }
}
