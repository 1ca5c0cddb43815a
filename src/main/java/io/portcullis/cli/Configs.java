package io.portcullis.cli;

import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Loads the config named on the command line, or the built-in demo when none is. */
final class Configs {
    private Configs() {}

    static GatewayConfig load(Path file) throws ConfigException {
        return file == null ? demo() : ConfigReader.read(file);
    }

    /** The built-in demo config, its upstream launched with this very JVM and jar. */
    static GatewayConfig demo() throws ConfigException {
        String text;
        try (InputStream in = Configs.class.getResourceAsStream("/io/portcullis/demo/demo.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the demo config is missing from the jar", e);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar;
        try {
            jar = Path.of(Configs.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException("cannot find the Portcullis jar for the demo upstream", e);
        }
        text = text.replace("${java}", java.replace("\\", "\\\\")).replace("${jar}", jar.replace("\\", "\\\\"));
        return ConfigReader.parse(text, "built-in demo config", Path.of("").toAbsolutePath(), null);
    }
}
