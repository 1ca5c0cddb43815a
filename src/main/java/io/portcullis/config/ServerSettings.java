package io.portcullis.config;

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
        int maxSessionsPerPrincipal) {

    public static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;
    public static final int DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 64;

    /** The settings with the default session cap. */
    public ServerSettings(String host, int port, List<String> allowedOrigins, List<String> allowedHosts, long maxBodyBytes,
                          Path dataDir, String toolSeparator, int pageSize, Duration sessionIdleTimeout) {
        this(host, port, allowedOrigins, allowedHosts, maxBodyBytes, dataDir, toolSeparator, pageSize, sessionIdleTimeout,
                DEFAULT_MAX_SESSIONS_PER_PRINCIPAL);
    }

    public ServerSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedHosts = List.copyOf(allowedHosts);
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, allowedOrigins, allowedHosts, maxBodyBytes, dataDir, toolSeparator, pageSize, sessionIdleTimeout,
                maxSessionsPerPrincipal);
    }
}
