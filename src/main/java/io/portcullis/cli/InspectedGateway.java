package io.portcullis.cli;

import io.portcullis.Gateway;
import io.portcullis.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A gateway that a CLI command starts only to look at a config (its upstreams' real tools, the
 * readiness report), never to serve it. It keeps its state in a private temporary directory
 * ({@link GatewayConfig#forInspection}), so that {@code portcullis catalog list} or
 * {@code readiness} work in a second terminal beside {@code portcullis serve} on the same config,
 * without taking its data directory or writing its audit chain. The directory is removed on close.
 */
final class InspectedGateway implements AutoCloseable {
    final GatewayConfig config;
    final Gateway gateway;
    private final Path dir;

    InspectedGateway(GatewayConfig served) throws IOException {
        dir = Files.createTempDirectory("portcullis-inspect-");
        config = served.forInspection(dir);
        Gateway g;
        try {
            g = new Gateway(config);
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
        gateway = g;
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
