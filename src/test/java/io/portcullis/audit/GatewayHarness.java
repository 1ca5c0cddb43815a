package io.portcullis.audit;

import io.portcullis.Gateway;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.server.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real gateway in this JVM, listening on a free loopback port, in front of two real stdio
 * upstreams started as child processes: the bundled demo and {@link TestUpstream}.
 */
final class GatewayHarness implements AutoCloseable {
    final Path dir;
    final Path configFile;
    final Gateway gateway;
    final HttpServer http;

    GatewayHarness(Path dir, String extraYaml) throws Exception {
        this.dir = dir;
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        String yaml = """
                server:
                  host: 127.0.0.1
                  port: 0
                  data_dir: data
                store:
                  sqlite_locking: shared   # the audit CLI tests read the store beside the running gateway
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
        configFile = dir.resolve("portcullis.yaml");
        Files.writeString(configFile, io.portcullis.it.TestGateway.openCatalog(yaml));
        GatewayConfig cfg = ConfigReader.read(configFile);
        gateway = new Gateway(cfg);
        http = new HttpServer(gateway, cfg.server());
        gateway.start();
        gateway.apply(cfg);
        http.start();
        if (!gateway.awaitUpstreams(Duration.ofSeconds(30)).isEmpty()) {
            throw new IllegalStateException("upstreams did not start");
        }
    }

    String url(String env) {
        return "http://127.0.0.1:" + http.port() + (env == null ? "/mcp" : "/mcp/" + env);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws Exception {
        http.close();
        gateway.close();
    }
}
