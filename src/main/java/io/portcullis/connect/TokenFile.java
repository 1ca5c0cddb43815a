package io.portcullis.connect;

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
 * The OAuth tokens of one gateway, cached between runs of {@code connect} in a file only its owner
 * can read (0600, written to a 0600 temporary file and moved into place, so that no other user can
 * ever read a partial or world-readable copy).
 *
 * @param tokenEndpoint where refreshes go
 * @param clientId      the public client that obtained the tokens
 * @param resource      the gateway's resource URL (RFC 8707) the tokens are for
 */
record TokenFile(String accessToken, String refreshToken, Instant expiresAt, String tokenEndpoint, String clientId, String resource) {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Whether the access token is still good for at least {@code margin} seconds. */
    boolean fresh(Instant now, long margin) {
        return accessToken != null && expiresAt != null && now.plusSeconds(margin).isBefore(expiresAt);
    }

    static TokenFile read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            var n = Json.parse(Files.readAllBytes(file));
            return new TokenFile(n.path("access_token").asString(null), n.path("refresh_token").asString(null),
                    n.hasNonNull("expires_at") ? Instant.ofEpochSecond(n.path("expires_at").asLong()) : null,
                    n.path("token_endpoint").asString(null), n.path("client_id").asString(null), n.path("resource").asString(null));
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable cache is no cache: log in again
        }
    }

    void write(Path file) throws IOException {
        ObjectNode n = Json.object().put("access_token", accessToken).put("refresh_token", refreshToken)
                .put("token_endpoint", tokenEndpoint).put("client_id", clientId).put("resource", resource);
        if (expiresAt != null) {
            n.put("expires_at", expiresAt.getEpochSecond());
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
