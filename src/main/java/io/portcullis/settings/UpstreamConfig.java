package io.portcullis.settings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One upstream MCP server.
 *
 * @param name            unique name, also the default tool prefix
 * @param transport       how the gateway reaches it
 * @param command         stdio: the program and its arguments
 * @param env             stdio: extra environment variables for the child ({@code ${data_dir}} in a value is replaced by the data directory)
 * @param cwd             stdio: working directory, or null for the gateway's
 * @param url             http: the MCP endpoint
 * @param headers         http: static headers, each from an environment variable or a file, never from the client
 * @param prefix          prefix of exposed tool and prompt names; "" exposes them unprefixed
 * @param timeout         how long a call may take before the client gets a timeout error
 * @param protocolVersion the version to ask for in {@code initialize} (a legacy version)
 * @param protocol        which era to speak: probe for 2026-07-28 and fall back, or pinned to one era
 * @param stdio           stdio: what the child inherits and how much protocol abuse is tolerated
 * @param roots           what the gateway answers the upstream's {@code roots/list} with (#11 item 1)
 * @param bulkhead        how many client calls run on it at once and how many may wait ({@code max_concurrent},
 *                        {@code max_queue}; a waiting call waits at most {@code timeout}) — #21 item 14
 * @param protection      its circuit breaker and retry policy ({@code breaker:}, {@code retry:}) — #14 item 1, C6.1
 * @param credentials     http: the credential sent on behalf of each caller ({@code credentials:}, #16 item 1, C1.2),
 *                        or null when the config declares none (then only the static {@code headers} are sent)
 */
public record UpstreamConfig(
        String name,
        Transport transport,
        List<String> command,
        Map<String, String> env,
        Path cwd,
        URI url,
        Map<String, HeaderSource> headers,
        String prefix,
        Duration timeout,
        String protocolVersion,
        Protocol protocol,
        Stdio stdio,
        UpstreamRoots roots,
        io.portcullis.resilience.AdmissionConfig bulkhead,
        io.portcullis.resilience.ProtectionConfig protection,
        UpstreamCredentials credentials) {

    public enum Transport { STDIO, HTTP }

    /**
     * Which protocol era the gateway speaks to the upstream. {@code AUTO} probes with
     * {@code server/discover} and speaks 2026-07-28 when it is offered, else initializes the legacy
     * way; {@code LEGACY} never probes; {@code MODERN} speaks only 2026-07-28 (the upstream stays down
     * when it does not offer it).
     */
    public enum Protocol { AUTO, LEGACY, MODERN }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The URL as it may be shown in logs, errors and the admin API: scheme, host, port and path,
     * without user info or query (either can carry a credential). Null for a stdio upstream.
     */
    public String shownUrl() {
        if (url == null) {
            return null;
        }
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        return url.getScheme() + "://" + url.getHost() + port + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /**
     * A failure message as it may reach logs, clients and the admin API: the raw URL, if a
     * library quoted it, replaced by {@link #shownUrl()}.
     */
    public String scrub(String message) {
        return url == null || message == null ? message : message.replace(url.toString(), shownUrl());
    }

    public UpstreamConfig {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        headers = Map.copyOf(headers);
        protocol = protocol == null ? Protocol.AUTO : protocol;
        stdio = stdio == null ? Stdio.DEFAULTS : stdio;
        roots = roots == null ? UpstreamRoots.NONE : roots;
        bulkhead = (bulkhead == null ? io.portcullis.resilience.AdmissionConfig.UPSTREAM : bulkhead)
                .withMaxWait(timeout == null ? DEFAULT_TIMEOUT : timeout);
        protection = protection == null ? io.portcullis.resilience.ProtectionConfig.DEFAULTS : protection;
    }

    /** An upstream that declares no credential mode (#16 item 1): only its static headers are sent. */
    public UpstreamConfig(String name, Transport transport, List<String> command, Map<String, String> env, Path cwd, URI url,
                          Map<String, HeaderSource> headers, String prefix, Duration timeout, String protocolVersion, Protocol protocol,
                          Stdio stdio, UpstreamRoots roots, io.portcullis.resilience.AdmissionConfig bulkhead,
                          io.portcullis.resilience.ProtectionConfig protection) {
        this(name, transport, command, env, cwd, url, headers, prefix, timeout, protocolVersion, protocol, stdio, roots, bulkhead,
                protection, null);
    }

    /** An upstream with the default breaker and retry policy. */
    public UpstreamConfig(String name, Transport transport, List<String> command, Map<String, String> env, Path cwd, URI url,
                          Map<String, HeaderSource> headers, String prefix, Duration timeout, String protocolVersion, Protocol protocol,
                          Stdio stdio, UpstreamRoots roots, io.portcullis.resilience.AdmissionConfig bulkhead) {
        this(name, transport, command, env, cwd, url, headers, prefix, timeout, protocolVersion, protocol, stdio, roots, bulkhead, null);
    }

    /** An upstream with the default stdio settings. */
    public UpstreamConfig(String name, Transport transport, List<String> command, Map<String, String> env, Path cwd, URI url,
                          Map<String, HeaderSource> headers, String prefix, Duration timeout, String protocolVersion, Protocol protocol) {
        this(name, transport, command, env, cwd, url, headers, prefix, timeout, protocolVersion, protocol, Stdio.DEFAULTS,
                UpstreamRoots.NONE, null, null);
    }

    /**
     * Stdio children (issue #11 items 6 and 21, issue #21 item 1).
     *
     * @param inheritEnv        names of the gateway's environment variables the child also gets, beyond
     *                          PATH, HOME, LANG and TMPDIR (an explicit allowlist; nothing else is inherited)
     * @param maxLineBytes      the longest line the child may write on stdout; past it the child is broken
     *                          (calls in flight fail at once, it is killed and restarted with backoff)
     * @param protocolTolerance how many lines that are not JSON-RPC messages a child may write within a
     *                          minute before it is restarted (each one fails the client calls in flight)
     */
    public record Stdio(List<String> inheritEnv, long maxLineBytes, int protocolTolerance) {
        public static final long DEFAULT_MAX_LINE_BYTES = 16L * 1024 * 1024;
        public static final int DEFAULT_PROTOCOL_TOLERANCE = 10;
        public static final Stdio DEFAULTS = new Stdio(List.of(), DEFAULT_MAX_LINE_BYTES, DEFAULT_PROTOCOL_TOLERANCE);

        public Stdio {
            inheritEnv = List.copyOf(inheritEnv);
        }
    }

    /**
     * Whether {@code next} describes the same running upstream with only settings that apply
     * live (the timeout, the protocol tolerance, the credentials: #16 item 1, each call's credential is
     * resolved from the snapshot it was decided on): then a reload keeps the child or session
     * running (issue #21 item 6). Anything else (command, env, url, ...) needs a restart.
     */
    public boolean sameConnectionAs(UpstreamConfig next) {
        Stdio s = new Stdio(next.stdio.inheritEnv, next.stdio.maxLineBytes, stdio.protocolTolerance);
        return equals(new UpstreamConfig(next.name, next.transport, next.command, next.env, next.cwd, next.url, next.headers,
                next.prefix, timeout, next.protocolVersion, next.protocol, s, next.roots, next.bulkhead, next.protection, credentials));
    }

    /** The same upstream, answering {@code roots/list} with {@code next}. */
    public UpstreamConfig withRoots(UpstreamRoots next) {
        return new UpstreamConfig(name, transport, command, env, cwd, url, headers, prefix, timeout, protocolVersion, protocol, stdio, next,
                bulkhead, protection, credentials);
    }

    /**
     * Where a static header's value comes from.
     *
     * @param envVar  the environment variable holding it, or null
     * @param file    the file holding it (trimmed), or null
     * @param prefix  text put before the value, e.g. "Bearer "
     */
    public record HeaderSource(String envVar, Path file, String prefix) {
        /** Reads the value now; throws {@link IllegalStateException} naming the source when it is missing. */
        public String resolve() {
            String v;
            if (envVar != null) {
                v = System.getenv(envVar);
                if (v == null) {
                    throw new IllegalStateException("environment variable " + envVar + " is not set");
                }
            } else {
                try {
                    v = java.nio.file.Files.readString(file).trim();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot read header file " + file + ": " + e.getMessage());
                }
            }
            return (prefix == null ? "" : prefix) + v;
        }
    }
}
