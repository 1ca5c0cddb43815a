package io.portcullis.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code serve} and {@code stdio} check before the gateway opens anything (#21 item 11,
 * #11 item 23): the data directory can be written, the port is free. A failure is one line naming
 * the path or the port and the fix, within a second, instead of a slow failure deep inside with a
 * stack trace.
 */
final class Preflight {
    private Preflight() {}

    /** Creates the data directory if missing, and writes and removes a file in it. */
    static void requireWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.file("cannot use the data directory (server.data_dir)", dir, e));
        }
    }

    /**
     * Binds the listener's address once and lets it go, so that a port in use is reported before
     * anything slow starts. (The real bind can still lose a race; it reports the same line.)
     */
    static void requireFreePort(String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new CliFailure(portInUse(host, port, e));
        }
    }

    static String portInUse(String host, int port, Throwable e) {
        return "cannot listen on " + host + ":" + port + ": " + (isBind(e) ? "the address is in use (another process has the "
                + "port); stop it, or choose another port with --port or server.port" : CliFailure.line(e).substring("portcullis: ".length()));
    }

    private static boolean isBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }
}
