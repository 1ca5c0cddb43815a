package io.portcullis.admin;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * #21 item 13: the local admin credential of a serving gateway. While it listens, the gateway keeps
 * {@code admin.local} in its data directory (mode 0600, owned by the gateway's OS user; rewritten
 * with a new random token at each start, deleted at close): its admin URL on loopback and a bearer
 * token. The CLI's store commands ({@code keys}, {@code revoke}, {@code audit verify|search|trace|export})
 * read it and go through the admin API instead of opening the SQLite file beside the gateway, so the
 * gateway can hold the file exclusively ({@code store.sqlite_locking: exclusive}, no memory-mapped
 * WAL index). Whoever can read the file is the gateway's OS user (or root): the admin API takes the
 * token as the admin principal {@code <os-user>@local-cli}, which is what revocations and keys record
 * as their author. The token grants admin routes only (no approver role, no MCP calls).
 */
public final class LocalAdmin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAdmin.class);
    public static final String FILE = "admin.local";
    public static final String AUTH_METHOD = "local-cli";
    /** The credential of each data directory served by this JVM (tests run several gateways in one). */
    private static final Map<Path, LocalAdmin> SERVED = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path file;
    private final byte[] token;
    private final Principal principal;

    private LocalAdmin(Path dir, String token, String environment) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.token = token.getBytes(StandardCharsets.UTF_8);
        String user = System.getProperty("user.name", "unknown");
        this.principal = new Principal(user + "@" + AUTH_METHOD, Principal.Kind.SERVICE, "local CLI (OS user " + user + ")",
                java.util.List.of(), AUTH_METHOD, environment, AUTH_METHOD, null, null, "portcullis", null, java.util.List.of());
    }

    /**
     * Writes the credential for a gateway listening at {@code url} (a loopback URL; with TLS, the
     * server certificate's SHA-256 in {@code certSha256}, else null). A file that
     * cannot be written is logged, not fatal: the CLI then says the gateway publishes none.
     */
    public static LocalAdmin publish(Path dataDir, String url, String certSha256, String environment) {
        Path dir = dataDir.toAbsolutePath().normalize();
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        LocalAdmin local = new LocalAdmin(dir, token, environment);
        // with TLS, the certificate's SHA-256: the CLI pins it (it connects to a loopback address the certificate need not name)
        String text = Json.write(Json.object().put("url", url).put("token", token).put("cert_sha256", certSha256)
                .put("pid", ProcessHandle.current().pid())) + "\n";
        Path tmp = dir.resolve(FILE + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp); // not a POSIX file system: its ACLs decide
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, local.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, local.file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the local admin credential {}: {}; CLI store commands cannot reach this gateway",
                    local.file, e.toString());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
        SERVED.put(dir, local);
        return local;
    }

    /** The local CLI principal when {@code req} carries the token of the gateway serving {@code dataDir}, else null. */
    public static Principal principal(Path dataDir, Request req) {
        LocalAdmin local = SERVED.get(dataDir.toAbsolutePath().normalize());
        if (local == null) {
            return null;
        }
        String auth = req.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        byte[] given = auth.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, local.token) ? local.principal : null;
    }

    /** Whether {@code p} is a local CLI principal this JVM issued (never one a token or key could claim). */
    public static boolean isLocal(Principal p) {
        return SERVED.values().stream().anyMatch(l -> l.principal == p);
    }

    @Override
    public void close() {
        SERVED.remove(dir, this);
        try {
            // only our own file: a newer gateway on the same directory may have replaced it
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).contains(new String(token, StandardCharsets.UTF_8))) {
                Files.delete(file);
            }
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", file, e.toString());
        }
    }
}
