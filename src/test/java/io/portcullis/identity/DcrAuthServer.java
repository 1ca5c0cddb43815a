package io.portcullis.identity;

import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A real authorization server with RFC 7591 dynamic registration, as a child process:
 * {@code src/test/resources/identity/dcr-auth-server.mjs} (oidc-provider, pinned in package.json) on
 * the project's Node 22. It signs {@code subject} in without a login page; with
 * {@code refuseRegistration} every registration is refused (it then requires an initial access
 * token). Stopped by its PID when closed.
 */
final class DcrAuthServer implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("portcullis.root", "."));

    private final Process process;
    /** Its stderr: one {@code registration <status>} line per registration attempt, and any error. */
    final StringBuffer log = new StringBuffer();
    final String issuer;

    DcrAuthServer(String subject, boolean refuseRegistration) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("node_modules/.bin/node").toString(),
                ROOT.resolve("src/test/resources/identity/dcr-auth-server.mjs").toString(), subject));
        if (refuseRegistration) {
            cmd.add("refuse-registration");
        }
        process = new ProcessBuilder(cmd).start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    log.append(l).append('\n');
                }
            } catch (IOException e) {
                // it ended
            }
        });
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String found = null;
        // oidc-provider may print notices on stdout first; the script's own line is the JSON one
        String l;
        while (found == null && (l = out.readLine()) != null) {
            if (l.startsWith("{\"issuer\"")) {
                found = Json.parse(l).path("issuer").asString();
            }
        }
        if (found == null) {
            process.destroyForcibly();
            throw new IOException("the authorization server did not start; its stderr:\n" + log);
        }
        issuer = found;
        Thread.ofVirtual().start(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException e) {
                // it ended
            }
        });
    }

    /** How many registrations it accepted (201) and refused. */
    long registrations(String status) {
        return log.toString().lines().filter(l -> l.startsWith("registration " + status)).count();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
