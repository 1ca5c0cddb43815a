package io.portcullis.connect;

import io.portcullis.oauthclient.Tokens;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OAuth tokens of one server, cached between runs of {@code connect} in a file only its owner
 * can read (0600, written to a 0600 temporary file and moved into place, so that no other user can
 * ever read a partial or world-readable copy): the tokens, the token endpoint, the client (with the
 * secret a dynamic registration issued, if any) and the resource (RFC 8707) and scope they are for.
 * {@code connect --logout} deletes it.
 */
final class TokenFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private TokenFile() {}

    static Tokens read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            var n = Json.parse(Files.readAllBytes(file));
            return new Tokens(n.path("access_token").asString(null), n.path("refresh_token").asString(null),
                    n.hasNonNull("expires_at") ? Instant.ofEpochSecond(n.path("expires_at").asLong()) : null,
                    n.path("token_endpoint").asString(null), n.path("client_id").asString(null), n.path("client_secret").asString(null),
                    n.path("auth_method").asString(null), n.path("resource").asString(null), n.path("scope").asString(null));
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable cache is no cache: log in again
        }
    }

    static void write(Path file, Tokens t) throws IOException {
        ObjectNode n = Json.object().put("access_token", t.accessToken()).put("refresh_token", t.refreshToken())
                .put("token_endpoint", t.tokenEndpoint()).put("client_id", t.clientId()).put("client_secret", t.clientSecret())
                .put("auth_method", t.authMethod()).put("resource", t.resource()).put("scope", t.scope());
        if (t.expiresAt() != null) {
            n.put("expires_at", t.expiresAt().getEpochSecond());
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            if (posix) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp + " exclusively", e);
        }
        Files.write(tmp, Json.bytes(n));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (posix) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }
}
