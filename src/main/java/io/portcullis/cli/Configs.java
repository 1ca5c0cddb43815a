package io.portcullis.cli;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Loads the config named on the command line, or the built-in demo when none is: the one config
 * loading of every command (#12 "small twins"). A config with problems is thrown as a
 * {@link ConfigException}; {@link Main} prints every problem (file:line first) and exits 2 (#12 item 6),
 * except {@code check}, whose verdict it is.
 */
final class Configs {
    private Configs() {}

    static GatewayConfig load(Path file) throws ConfigException {
        return file == null ? demo() : ConfigReader.read(file);
    }

    /** The built-in demo config, its upstream launched with this very JVM and jar. */
    static GatewayConfig demo() throws ConfigException {
        return ConfigReader.parse(demoText(), "built-in demo config", Path.of("").toAbsolutePath(), null);
    }

    /** The built-in demo config as YAML, with this JVM and jar filled in (what {@code portcullis demo-config} prints). */
    static String demoText() {
        String text;
        try (InputStream in = Configs.class.getResourceAsStream("/io/portcullis/demo/demo.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new CliFailure("the demo config is missing from the jar; rebuild it (./portcullis does)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar;
        try {
            jar = Path.of(Configs.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new CliFailure("cannot find the Portcullis jar for the demo upstream; run it with java -jar");
        }
        // JSON strings are YAML double-quoted scalars: any path survives
        return text.replace("\"${java}\"", io.portcullis.protocol.Json.write(io.portcullis.protocol.Json.object().stringNode(java)))
                .replace("\"${jar}\"", io.portcullis.protocol.Json.write(io.portcullis.protocol.Json.object().stringNode(jar)));
    }
}
