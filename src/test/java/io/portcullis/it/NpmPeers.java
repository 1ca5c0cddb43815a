package io.portcullis.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The npm peers pinned in package-lock.json: their bins under node_modules/.bin and the Node 22
 * they need. The project root comes from the system property {@code portcullis.root} (set by
 * failsafe), else the working directory.
 */
public final class NpmPeers {
    private NpmPeers() {}

    public static Path root() {
        String p = System.getProperty("portcullis.root");
        return (p == null ? Path.of("") : Path.of(p)).toAbsolutePath().normalize();
    }

    /** A bin of node_modules/.bin; fails the test with a hint when the peers are not installed. */
    public static Path bin(String name) {
        Path b = root().resolve("node_modules/.bin").resolve(name);
        if (!Files.exists(b)) {
            throw new IllegalStateException(b + " is missing: run `npm ci` in " + root());
        }
        return b;
    }

    /** Node 22 from node_modules (the system node may be older). */
    public static Path node() {
        return bin("node");
    }

    /** The command line that runs {@code bin} under our Node, followed by {@code args}. */
    public static List<String> command(String bin, String... args) {
        List<String> c = new ArrayList<>(List.of(node().toString(), bin(bin).toString()));
        c.addAll(List.of(args));
        return c;
    }

    /** server-everything over stdio. */
    public static List<String> everything() {
        return command("mcp-server-everything", "stdio");
    }
}
