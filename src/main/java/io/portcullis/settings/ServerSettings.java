package io.portcullis.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Listener and protocol-level settings.
 *
 * @param host               the address to bind; loopback by default
 * @param port               the HTTP port (8080 by default)
 * @param allowedOrigins     browser origins allowed besides loopback ones; any other Origin gets 403
 * @param allowedHosts       Host header values allowed besides loopback ones (DNS-rebinding guard)
 * @param maxBodyBytes       request bodies over this get 413
 * @param dataDir            where the embedded store lives; created on first start
 * @param toolSeparator      between an upstream's prefix and its tool names
 * @param pageSize           items per page of aggregated lists
 * @param sessionIdleTimeout sessions idle this long are ended
 * @param maxSessionsPerPrincipal open legacy sessions one caller (issuer, subject, kind) may hold at once (#11 item 15)
 * @param admission          bounded admission of MCP requests on this listener ({@code max_concurrent},
 *                           {@code max_queue}, {@code queue_wait}) — #21 item 14
 * @param drainGrace         on SIGTERM, how long calls in flight may still finish ({@code drain_grace}) — #21 item 12
 * @param maxSessions        open legacy sessions this gateway holds at once, every caller together
 *                           ({@code max_sessions}; the control {@code sessions}) — #20 item 4
 */
public record ServerSettings(
        String host,
        int port,
        List<String> allowedOrigins,
        List<String> allowedHosts,
        long maxBodyBytes,
        Path dataDir,
        String toolSeparator,
        int pageSize,
        Duration sessionIdleTimeout,
        int maxSessionsPerPrincipal,
        io.portcullis.resilience.AdmissionConfig admission,
        Duration drainGrace,
        int maxSessions) {

    public static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;
    public static final int DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 64;
    public static final Duration DEFAULT_DRAIN_GRACE = Duration.ofSeconds(20);
    /** #20 item 4: about 1.9 KB of heap each (measured: docs/performance.md, "Scale with size"), so about 19 MB at the cap. */
    public static final int DEFAULT_MAX_SESSIONS = 10_000;

    public ServerSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedHosts = List.copyOf(allowedHosts);
        admission = admission == null ? io.portcullis.resilience.AdmissionConfig.LISTENER : admission;
        drainGrace = drainGrace == null ? DEFAULT_DRAIN_GRACE : drainGrace;
        maxSessionsPerPrincipal = maxSessionsPerPrincipal <= 0 ? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL : maxSessionsPerPrincipal;
        maxSessions = maxSessions <= 0 ? DEFAULT_MAX_SESSIONS : maxSessions;
    }

    /** With the default gateway-wide session cap ({@link #DEFAULT_MAX_SESSIONS}). */
    public ServerSettings(String host, int port, List<String> allowedOrigins, List<String> allowedHosts, long maxBodyBytes,
                          Path dataDir, String toolSeparator, int pageSize, Duration sessionIdleTimeout,
                          int maxSessionsPerPrincipal, io.portcullis.resilience.AdmissionConfig admission, Duration drainGrace) {
        this(host, port, allowedOrigins, allowedHosts, maxBodyBytes, dataDir, toolSeparator, pageSize, sessionIdleTimeout,
                maxSessionsPerPrincipal, admission, drainGrace, DEFAULT_MAX_SESSIONS);
    }

    /** With the default session cap, admission limits and grace period. */
    public ServerSettings(String host, int port, List<String> allowedOrigins, List<String> allowedHosts, long maxBodyBytes,
                          Path dataDir, String toolSeparator, int pageSize, Duration sessionIdleTimeout) {
        this(host, port, allowedOrigins, allowedHosts, maxBodyBytes, dataDir, toolSeparator, pageSize, sessionIdleTimeout,
                DEFAULT_MAX_SESSIONS_PER_PRINCIPAL, null, null, DEFAULT_MAX_SESSIONS);
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, allowedOrigins, allowedHosts, maxBodyBytes, dataDir, toolSeparator, pageSize,
                sessionIdleTimeout, maxSessionsPerPrincipal, admission, drainGrace, maxSessions);
    }

    /** The same settings with another data directory (for commands that inspect a config without serving it). */
    public ServerSettings withDataDir(Path other) {
        return new ServerSettings(host, port, allowedOrigins, allowedHosts, maxBodyBytes, other, toolSeparator, pageSize,
                sessionIdleTimeout, maxSessionsPerPrincipal, admission, drainGrace, maxSessions);
    }
}
