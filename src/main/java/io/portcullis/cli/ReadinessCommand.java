package io.portcullis.cli;

import io.portcullis.Gateway;
import io.portcullis.config.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import io.portcullis.readiness.Readiness;
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

    @Option(names = "--strict", description = "exit 1 when any line fails")
    boolean strict;

    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "json", "markdown").contains(format)) {
            System.err.println("--format must be text, json or markdown");
            return 2;
        }
        GatewayConfig cfg;
        try {
            cfg = Configs.load(config);
        } catch (ConfigException e) {
            e.problems().forEach(System.err::println);
            return 2;
        }
        if (env != null && cfg.environment(env).isEmpty()) {
            System.err.println("environment '" + env + "' is not declared in the config");
            return 2;
        }
        Report report;
        try (Gateway gateway = new Gateway(cfg)) {
            gateway.start();
            List<String> notReady = gateway.awaitUpstreams(Duration.ofSeconds(30));
            gateway.apply(cfg);
            notReady.forEach(u -> System.err.println("warning: upstream " + u + " is not ready; its tools are not checked"));
            report = Readiness.evaluate(gateway);
        }
        if (env != null) {
            report = report.only(env);
        }
        switch (format) {
            case "json" -> System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
            case "markdown" -> System.out.print(ReportText.markdown(report));
            default -> System.out.print(ReportText.text(report));
        }
        return strict && report.anyFailure() ? 1 : 0;
    }
}
