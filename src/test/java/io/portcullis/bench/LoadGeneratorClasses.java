package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * The load generator (bench/src) is plain javac outside the Maven build: the tests that check its
 * arithmetic compile it themselves, each into its own directory, and reach it through reflection.
 */
final class LoadGeneratorClasses {
    private LoadGeneratorClasses() {}

    /** Compiles bench/src into {@code target/<dir>} and returns a class loader over it. */
    static ClassLoader compile(String dir) throws Exception {
        Path out = Path.of("target", dir);
        Files.createDirectories(out);
        List<String> args = new ArrayList<>(List.of("--release", "21", "-d", out.toString()));
        try (Stream<Path> files = Files.walk(Path.of("bench/src"))) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new))).isZero();
        return new URLClassLoader(new URL[] {out.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }
}
