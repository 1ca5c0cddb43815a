package io.portcullis.config;

import io.portcullis.settings.ConfigException;
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
    private volatile java.util.List<Path> watched;
    private final Consumer<GatewayConfig> apply;
    private final Consumer<ConfigException> refused;
    private final Thread thread;
    private byte[] lastHash;

    /**
     * @param file    the config file to reload
     * @param watched every file the config was read from (the config and its catalog file)
     * @param apply   gets each good new config
     */
    public ConfigWatcher(Path file, java.util.List<Path> watched, Consumer<GatewayConfig> apply) {
        this(file, watched, apply, problems -> { });
    }

    /**
     * @param file    the config file to reload
     * @param watched every file the config was read from (the config and its catalog file)
     * @param apply   gets each good new config
     * @param refused hears each broken edit (after it is logged); the last good config stays in force
     */
    public ConfigWatcher(Path file, java.util.List<Path> watched, Consumer<GatewayConfig> apply, Consumer<ConfigException> refused) {
        this.file = file;
        this.watched = watched.isEmpty() ? java.util.List.of(file) : watched;
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
                watched = next.files();
                lastHash = hash();
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
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : watched) {
                md.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(Files.exists(p) ? Files.readAllBytes(p) : new byte[0]);
            }
            return md.digest();
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
