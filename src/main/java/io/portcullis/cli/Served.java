package io.portcullis.cli;

import io.portcullis.admin.LocalAdmin;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import io.portcullis.store.DataDirLock;
import io.portcullis.store.Store;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * #21 item 13: where a CLI store command ({@code keys}, {@code revoke}, {@code audit verify|search|trace|export})
 * does its work. When a gateway serves the data directory ({@link DataDirLock} is held), through that
 * gateway's admin API with the token of its {@code admin.local} file ({@link LocalAdmin}), so the
 * gateway may hold the SQLite file exclusively; when the directory is free, in the store directly.
 * A PostgreSQL store is shared by design and always opened directly.
 * <p>Fails closed: a credential file that is not a regular file owned by this OS user and readable by
 * it alone, or that names anything but a local address, is refused; a gateway that holds the
 * directory and cannot be reached is an error, unless it has just stopped (the lock is free again),
 * in which case the store is opened directly.
 */
final class Served {
    private Served() {}

    interface Remote {
        int run(AdminClient gateway) throws Exception;
    }

    interface Direct {
        int run(Store store) throws Exception;
    }

    /** Runs {@code remote} against the gateway serving {@code cfg}'s data directory, or {@code direct} on its store when none does. */
    static int run(GatewayConfig cfg, Remote remote, Direct direct) throws Exception {
        AdminClient gateway = find(cfg);
        if (gateway != null) {
            try {
                return remote.run(gateway);
            } catch (AdminClient.Unreachable e) {
                if (DataDirLock.holder(cfg.server().dataDir()).isPresent()) {
                    throw new CliFailure(e.getMessage() + "; the gateway still holds the data directory " + cfg.server().dataDir()
                            + " (is it starting or stopping? run the command again)");
                }
                // it stopped between the look and the call: the store is free now
            }
        }
        try (Store store = Store.open(cfg.store())) {
            return direct.run(store);
        }
    }

    /** The admin API of the gateway serving {@code cfg}'s data directory, or null when the store is to be opened directly. */
    static AdminClient find(GatewayConfig cfg) {
        if (!cfg.store().embedded()) {
            return null; // PostgreSQL: shared by every node and every command
        }
        Path dir = cfg.server().dataDir();
        Optional<String> holder = DataDirLock.holder(dir);
        if (holder.isEmpty()) {
            return null; // free (a stale admin.local of a gateway gone is ignored)
        }
        Path file = dir.resolve(LocalAdmin.FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (holder.get().contains("sqlite_locking shared")) {
                return null; // e.g. a stdio gateway in shared mode: the store may be written beside it
            }
            throw new CliFailure("the data directory " + dir.toAbsolutePath().normalize() + " is held by a running gateway ("
                    + holder.get() + ") that publishes no " + LocalAdmin.FILE + " (a stdio gateway has no admin API); "
                    + "stop it and run this command again (see docs/operations/store.md)");
        }
        return credential(file);
    }

    /** Reads and checks a local admin credential file; refuses (exit 2) anything it would not trust. */
    static AdminClient credential(Path file) {
        String where = file.toAbsolutePath().normalize().toString();
        try {
            PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                throw refuse(where, "it is not a regular file");
            }
            var me = FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            if (!a.owner().equals(me)) {
                throw refuse(where, "it is owned by " + a.owner().getName() + ", not by " + me.getName()
                        + " (run the command as the gateway's user)");
            }
            Set<PosixFilePermission> loose = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE);
            if (a.permissions().stream().anyMatch(loose::contains)) {
                throw refuse(where, "other users may read or change it (mode must be 0600)");
            }
            if (a.size() > 4096) {
                throw refuse(where, "it is too large to be one");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its ACLs decide who reads the data directory
        } catch (IOException e) {
            throw new CliFailure(CliFailure.file("cannot read the gateway's local admin credential", file, e));
        }
        JsonNode n;
        try {
            n = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw refuse(where, "it is not the JSON a gateway writes");
        }
        String url = n == null ? null : n.path("url").asString(null);
        String token = n == null ? null : n.path("token").asString(null);
        if (url == null || token == null || token.isBlank() || !token.matches("[A-Za-z0-9_-]{16,128}")) {
            throw refuse(where, "it lacks a url or a well-formed token");
        }
        if (!isLocal(url)) {
            throw refuse(where, "its url " + url + " is not an address of this host; the token is sent nowhere else");
        }
        String pin = n.path("cert_sha256").asString(null);
        if (url.startsWith("https:") && (pin == null || !pin.matches("[0-9a-f]{64}"))) {
            throw refuse(where, "it names an https url without the certificate to pin (cert_sha256)");
        }
        return new AdminClient(url, token, url.startsWith("https:") ? Pinned.context(pin) : null);
    }

    private static boolean isLocal(String url) {
        try {
            URI u = URI.create(url);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getPort() <= 0
                    || (u.getPath() != null && !u.getPath().isEmpty()) || u.getUserInfo() != null) {
                return false;
            }
            String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
            if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                return false; // an address, never a name to resolve
            }
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static CliFailure refuse(String file, String why) {
        return new CliFailure("refusing the local admin credential " + file + ": " + why
                + "; a running gateway rewrites it at start (see docs/operations/store.md)");
    }
}
