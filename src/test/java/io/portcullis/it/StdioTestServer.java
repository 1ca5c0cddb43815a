package io.portcullis.it;

import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/**
 * The skeleton the project's own test MCP servers over stdio share (LeakyServer, SlowServer,
 * ItemServer): stdout is kept for JSON lines and {@code System.out} goes to stderr, so a stray print
 * cannot corrupt the stream; every message read is one line; every line written goes out whole,
 * under one lock, so answers from several threads never interleave.
 */
public final class StdioTestServer {
    private static PrintStream out;

    private StdioTestServer() {}

    /** Takes stdout for JSON lines, then hands every non-blank line (a JSON object) to {@code serve} until stdin ends. */
    public static void run(Consumer<ObjectNode> serve) throws IOException {
        out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank() && Json.parse(line) instanceof ObjectNode msg) {
                serve.accept(msg);
            }
        }
    }

    /** One line, whole. */
    public static synchronized void write(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }

    /** Raw bytes (invalid UTF-8 on purpose, say), whole, under the same lock as {@link #write(String)}. */
    public static synchronized void writeBytes(byte[]... parts) {
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        out.flush();
    }
}
