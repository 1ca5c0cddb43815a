package io.portcullis.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Java programs the tests launch as child processes: the built Portcullis jar (system property
 * {@code portcullis.jar}, set by failsafe), its bundled demo upstream, and test-only servers
 * such as {@link FaultServer} run from the test classpath.
 */
public final class JvmPeers {
    private JvmPeers() {}

    /** The java launcher of the JVM running the tests. */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public static Path jar() {
        String p = System.getProperty("portcullis.jar");
        Path jar = p != null ? Path.of(p) : NpmPeers.root().resolve("target/portcullis-0.1.0-SNAPSHOT.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn package` first");
        }
        return jar;
    }

    /** {@code java -jar portcullis.jar <args>}. */
    public static List<String> portcullis(String... args) {
        List<String> c = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString()));
        c.addAll(List.of(args));
        return c;
    }

    /** The bundled demo upstream over stdio: {@code java -cp <portcullis.jar> io.portcullis.demo.DemoServer}. */
    public static List<String> demo(String... args) {
        List<String> c = new ArrayList<>(List.of(java(), "-cp", jar().toString(), "io.portcullis.demo.DemoServer"));
        c.addAll(List.of(args));
        return c;
    }

    /** A main class of the test classpath (e.g. {@link FaultServer}) as a child process. */
    public static List<String> testMain(Class<?> main, String... args) {
        // Under surefire/failsafe java.class.path is a manifest-only booter jar; the real one is here.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> c = new ArrayList<>(List.of(java(), "-cp", cp, main.getName()));
        c.addAll(List.of(args));
        return c;
    }
}
