package io.portcullis.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code portcullis <args>} in this JVM (picocli on {@link io.portcullis.cli.Main}), capturing stdout. */
public final class InProcessCli {
    private InProcessCli() {
    }

    /** {@code {exit code, stdout}}; stdout is restored afterwards. */
    public static String[] run(String... args) {
        PrintStream before = System.out;
        var buf = new ByteArrayOutputStream();
        int code;
        try (var out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = new picocli.CommandLine(new io.portcullis.cli.Main()).execute(args);
        } finally {
            System.setOut(before);
        }
        return new String[] {String.valueOf(code), buf.toString(StandardCharsets.UTF_8)};
    }
}
