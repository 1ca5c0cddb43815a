package io.portcullis.it;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * #12 item 7: the one JUnit extension that gives a test a running gateway from a YAML string.
 * Registered on a static field it starts one gateway for the class (before all, stopped after
 * all); on an instance field, one per test. It starts the gateway through {@link
 * TestGateway#start(String, Path, boolean)} (the one start-up sequence), and stops what it
 * started: the listener, the upstream child processes, the config watcher, its temp dir.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final GatewayExtension gw = GatewayExtension.config("""
 *           upstreams:
 *             demo: {command: %s}
 *           """.formatted(TestGateway.list(JvmPeers.demo())))
 *           .logs("portcullis.calls")
 *           .build();
 *
 *   &#64;Test void x() { gw.client() ...; gw.log("portcullis.calls").lines() ...; gw.admin("GET", ...); }
 * </pre>
 *
 * A test method may also take the running {@link TestGateway} as a parameter.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    private final Supplier<String> yaml;
    private final Supplier<Path> dir;
    private final boolean awaitUpstreams;
    private final List<String> loggers;
    private final java.time.Clock sessionClock;
    private TestGateway running;
    private boolean perClass;
    /** Nested test classes inherit the extension: their before/after-all must not start a second gateway. */
    private int nested;
    private final Map<String, LogLines> logs = new LinkedHashMap<>();

    private GatewayExtension(Builder b) {
        this.yaml = b.yaml;
        this.dir = b.dir;
        this.awaitUpstreams = b.awaitUpstreams;
        this.loggers = List.copyOf(b.loggers);
        this.sessionClock = b.sessionClock;
    }

    /** A gateway on this config (its {@code server.port} is replaced by a free one). */
    public static Builder config(String yaml) {
        return config(() -> yaml);
    }

    /** A gateway on the config {@code yaml} gives when the gateway starts (after the test's own set-up). */
    public static Builder config(Supplier<String> yaml) {
        return new Builder(yaml);
    }

    /** A gateway in front of the bundled demo upstream only. */
    public static Builder demo() {
        return config(() -> """
                upstreams:
                  demo:
                    command: %s
                """.formatted(TestGateway.list(JvmPeers.demo())));
    }

    public static final class Builder {
        private final Supplier<String> yaml;
        private Supplier<Path> dir = () -> null;
        private boolean awaitUpstreams = true;
        private final List<String> loggers = new java.util.ArrayList<>();
        private java.time.Clock sessionClock = java.time.Clock.systemUTC();

        private Builder(Supplier<String> yaml) {
            this.yaml = yaml;
        }

        /** Does not wait for the upstreams (tests of upstreams that stay down or come up late). */
        public Builder withoutWaiting() {
            awaitUpstreams = false;
            return this;
        }

        /** Writes the config in this directory (kept on close) instead of a fresh temp dir. */
        public Builder in(Supplier<Path> directory) {
            dir = directory;
            return this;
        }

        /** Captures these loggers' lines (e.g. {@code portcullis.calls}) from before the start to the stop. */
        public Builder logs(String... names) {
            loggers.addAll(List.of(names));
            return this;
        }

        /** The clock session idleness reads: a {@code ManualTicker} the test advances instead of waiting. */
        public Builder sessionClock(java.time.Clock clock) {
            sessionClock = clock;
            return this;
        }

        public GatewayExtension build() {
            return new GatewayExtension(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (perClass) {
            nested++;
            return;
        }
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (nested > 0) {
            nested--;
            return;
        }
        perClass = false;
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            stop();
        }
    }

    private void start() throws Exception {
        loggers.forEach(n -> logs.put(n, new LogLines(n)));
        try {
            running = TestGateway.start(yaml.get(), dir.get(), awaitUpstreams, sessionClock);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    private void stop() throws Exception {
        try {
            if (running != null) {
                running.close();
            }
        } finally {
            running = null;
            logs.values().forEach(LogLines::close);
            logs.clear();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == TestGateway.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return harness();
    }

    /** The running harness (everything it offers: reload, watch, awaitCatalog, ...). */
    public TestGateway harness() {
        if (running == null) {
            throw new IllegalStateException("no gateway is running (outside a test, or it failed to start)");
        }
        return running;
    }

    /** The running gateway itself. */
    public io.portcullis.Gateway gateway() {
        return harness().gateway();
    }

    public URI url() {
        return harness().url();
    }

    public URI url(String environment) {
        return harness().url(environment);
    }

    public int port() {
        return harness().port();
    }

    public WireClient client() {
        return harness().client();
    }

    /** The gateway's data directory (from its config). */
    public Path dataDir() {
        return harness().dataDir();
    }

    /** An admin API request with a bearer token (or none). */
    public TestGateway.AdminReply admin(String method, String path, String token, tools.jackson.databind.JsonNode body)
            throws Exception {
        return harness().admin(method, path, token, body);
    }

    /** The lines of a logger named in {@link Builder#logs}. */
    public LogLines log(String name) {
        LogLines l = logs.get(name);
        if (l == null) {
            throw new IllegalArgumentException("not captured: " + name + " (name it in .logs(...))");
        }
        return l;
    }
}
