package io.portcullis.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The MCP protocol revisions the gateway speaks, oldest first. */
public enum ProtocolVersion {
    V2025_03_26("2025-03-26"),
    V2025_06_18("2025-06-18"),
    V2025_11_25("2025-11-25"),
    V2026_07_28("2026-07-28");

    public static final ProtocolVersion LATEST_LEGACY = V2025_11_25;
    public static final ProtocolVersion LATEST = V2026_07_28;

    private final String id;

    ProtocolVersion(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The stateless era: no initialize, no sessions, per-request {@code _meta}. */
    public boolean isModern() {
        return this == V2026_07_28;
    }

    /** JSON-RPC batches were allowed only in 2025-03-26. */
    public boolean allowsBatches() {
        return this == V2025_03_26;
    }

    public static Optional<ProtocolVersion> of(String id) {
        return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst();
    }

    /**
     * The version answered to an {@code initialize} asking for {@code requested}: the same one
     * when it is a legacy version we speak, else our latest legacy version (the client then
     * decides whether it can go on).
     */
    public static ProtocolVersion negotiateLegacy(String requested) {
        return of(requested).filter(v -> !v.isModern()).orElse(LATEST_LEGACY);
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(ProtocolVersion::id).toList();
    }

    /** The versions of the session era (negotiated with {@code initialize}). */
    public static List<String> legacyIds() {
        return Arrays.stream(values()).filter(v -> !v.isModern()).map(ProtocolVersion::id).toList();
    }
}
