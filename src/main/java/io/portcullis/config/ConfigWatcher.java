package io.portcullis.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config when its file changes (checked every second, by content hash, so editors
 * that replace the file work too). A broken edit is refused with every problem logged, and the
 * gateway keeps running on the last good config.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Consumer<GatewayConfig> apply;
    private final Consumer<ConfigException> refused;
    private final Thread thread;
    private byte[] lastHash;

    public ConfigWatcher(Path file, Consumer<GatewayConfig> apply) {
        this(file, apply, problems -> { });
    }

    /**
     * @param apply   gets each good new config
     * @param refused hears each broken edit (after it is logged); the last good config stays in force
     */
    public ConfigWatcher(Path file, Consumer<GatewayConfig> apply, Consumer<ConfigException> refused) {
        this.file = file;
        this.apply = apply;
        this.refused = refused;
        this.lastHash = hash();
        this.thread = Thread.ofVirtual().name("config-watcher").start(this::loop);
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            byte[] h = hash();
            if (h == null || Arrays.equals(h, lastHash)) {
                continue;
            }
            lastHash = h;
            try {
                GatewayConfig next = ConfigReader.read(file);
                apply.accept(next);
                LOG.info("config reloaded from {}", file);
            } catch (ConfigException e) {
                LOG.error("config change refused, still running on the last good config:\n{}", e.getMessage());
                refused.accept(e);
            } catch (RuntimeException e) {
                LOG.error("config change could not be applied, still running on the last good config: {}", e.toString());
            }
        }
    }

    private byte[] hash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
