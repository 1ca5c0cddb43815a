package io.portcullis.audit;

import io.portcullis.Gateway;
import io.portcullis.server.HttpServer;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real gateway in this JVM, listening on a free loopback port, in front of two real stdio
 * upstreams started as child processes: the bundled demo and {@link TestUpstream}.
 */
final class GatewayHarness implements AutoCloseable {
    final Path dir;
    final Path configFile;
    final Gateway gateway;
    final HttpServer http;
    /** The start-up sequence is {@link io.portcullis.it.TestGateway}'s; this harness only says which gateway. */
    private final io.portcullis.it.TestGateway running;

    GatewayHarness(Path dir, String extraYaml) throws Exception {
        this.dir = dir;
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        String yaml = """
                server:
                  host: 127.0.0.1
                  port: 0
                  data_dir: data
                # store.sqlite_locking: exclusive (the default): the audit CLI tests read the log through the gateway (#21 item 13)
                environments:
                  - dev
                  - name: prod
                    production: true
                  - staging
                upstreams:
                  demo:
                    command: [%1$s, -cp, %2$s, io.portcullis.demo.DemoServer]
                  test:
                    command: [%1$s, -cp, %2$s, io.portcullis.audit.TestUpstream]
                tools:
                  demo__delete_project:
                    environments: [dev]
                  test__sleep:
                    timeout: 300ms
                """.formatted(quote(java), quote(cp)) + extraYaml;
        running = io.portcullis.it.TestGateway.start(yaml, dir, true);
        configFile = running.configFile();
        gateway = running.gateway();
        http = running.http();
    }

    String url(String env) {
        return "http://127.0.0.1:" + http.port() + (env == null ? "/mcp" : "/mcp/" + env);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws Exception {
        running.close();
    }
}
