package io.portcullis.it;

import io.portcullis.Gateway;
import io.portcullis.catalog.Catalog;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.ConfigWatcher;
import io.portcullis.config.GatewayConfig;
import io.portcullis.server.HttpServer;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The real gateway in-process, the way {@code serve} runs it: a YAML config written to a temp
 * dir, {@link Gateway} + {@link HttpServer} on a free loopback port. {@link #close()} stops the
 * listener, the upstreams (killing their child processes) and the config watcher, and deletes
 * the temp dir.
 */
public final class TestGateway implements AutoCloseable {
    private final Path dir;
    /** Whether {@link #close()} deletes {@link #dir} (it does when the gateway made it). */
    private final boolean ownsDir;
    private final Path file;
    private final Gateway gateway;
    private final HttpServer http;
    private ConfigWatcher watcher;

    private TestGateway(Path dir, boolean ownsDir, Path file, Gateway gateway, HttpServer http) {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.file = file;
        this.gateway = gateway;
        this.http = http;
    }

    /** Starts a gateway on {@code yaml} (its server.port is replaced by 0) and waits for every upstream. */
    public static TestGateway start(String yaml) throws Exception {
        return start(yaml, true, io.portcullis.ingress.detached.Ticker.system());
    }

    /**
     * As {@link #start(String)}, with approvals and detached calls on {@code ticker}: a test moves
     * time with it instead of sleeping (#12 item 7).
     */
    public static TestGateway start(String yaml, io.portcullis.ingress.detached.Ticker ticker) throws Exception {
        return start(yaml, true, ticker);
    }

    /** A gateway in front of the bundled demo upstream only (the wire-level tests' usual setup). */
    public static TestGateway startDemo() throws Exception {
        return start("""
                upstreams:
                  demo:
                    command: %s
                """.formatted(list(JvmPeers.demo())));
    }

    /** Starts a gateway on {@code yaml} without waiting for its upstreams (some may never come up). */
    public static TestGateway startWithoutWaiting(String yaml) throws Exception {
        return start(yaml, false, io.portcullis.ingress.detached.Ticker.system());
    }

    private static TestGateway start(String yaml, boolean awaitUpstreams, io.portcullis.ingress.detached.Ticker ticker)
            throws Exception {
        return start(yaml, null, awaitUpstreams, java.time.Clock.systemUTC(), ticker);
    }

    /**
     * #12 item 7: THE start-up sequence of an in-process gateway, for every harness ({@link
     * GatewayExtension}, the audit, approval and identity helpers): the config written to
     * {@code dir}/portcullis.yaml (a fresh temp dir, deleted on close, when {@code dir} is null;
     * relative paths in the config resolve against it), read as {@code serve} reads it, the listener
     * moved to a free loopback port, the gateway started and, when {@code awaitUpstreams}, every
     * upstream up and the catalog settled.
     */
    public static TestGateway start(String yaml, Path dir, boolean awaitUpstreams) throws Exception {
        return start(yaml, dir, awaitUpstreams, java.time.Clock.systemUTC());
    }

    /** As {@link #start(String, Path, boolean)}, with the clock that session idleness reads (a {@code ManualTicker}). */
    public static TestGateway start(String yaml, Path dir, boolean awaitUpstreams, java.time.Clock sessionClock) throws Exception {
        return start(yaml, dir, awaitUpstreams, sessionClock, io.portcullis.ingress.detached.Ticker.system());
    }

    /**
     * As {@link #start(String, Path, boolean, java.time.Clock)}, with the ticker that approvals and
     * detached calls (input rounds, gateway tasks) run on (#12 item 7: tests move a {@code ManualTicker}).
     */
    public static TestGateway start(String yaml, Path dir, boolean awaitUpstreams, java.time.Clock sessionClock,
                                    io.portcullis.ingress.detached.Ticker ticker) throws Exception {
        boolean owns = dir == null;
        Path home = owns ? Files.createTempDirectory("portcullis-it") : dir;
        Path file = home.resolve("portcullis.yaml");
        Files.writeString(file, openCatalog(yaml));
        GatewayConfig cfg = onFreePort(ConfigReader.read(file));
        Gateway gateway = new Gateway(cfg, ticker);
        HttpServer http = new HttpServer(gateway, cfg.server(), sessionClock);
        TestGateway g = new TestGateway(home, owns, file, gateway, http);
        try {
            gateway.start();
            gateway.apply(gateway.config()); // the file's config, or the last approved one while it holds a change (#15 item 4)
            http.start();
            List<String> notReady = awaitUpstreams ? gateway.awaitUpstreams(Duration.ofSeconds(30)) : List.of();
            if (!notReady.isEmpty()) {
                throw new IllegalStateException("upstreams not ready: " + notReady + " "
                        + notReady.stream().map(n -> gateway.upstream(n).orElseThrow().lastError()).toList());
            }
            if (awaitUpstreams) {
                g.awaitSettledCatalog();
            }
        } catch (Exception | Error e) {
            g.close();
            throw e;
        }
        return g;
    }

    /**
     * Protocol tests are about the wire, not the inventory: a config without a catalog gets one
     * that offers every tool ({@code unlisted: allow}), and a config without a {@code readiness:}
     * section gets the G1 gate switched off. Tests of the catalog and of the gate bring their own.
     */
    public static String openCatalog(String yaml) {
        boolean hasCatalog = yaml.startsWith("catalog:") || yaml.contains("\ncatalog:");
        String out = hasCatalog ? yaml : yaml + "\ncatalog: {unlisted: allow}\n";
        // nor about the readiness gate (G1): tests of the gate bring their own readiness section
        boolean hasReadiness = yaml.startsWith("readiness:") || yaml.contains("\nreadiness:");
        if (hasReadiness) {
            return out;
        }
        // #11 item 7: beside a production environment the gate cannot be switched off (the reader refuses
        // it): the other environments are opened with overrides, and production stays gated, so a test that
        // changes things there must make production ready (identity, catalog, policy, audit)
        List<String> open = openableEnvironments(yaml);
        if (open == null) {
            return out + "\nreadiness: {gate: {enforce: false}}\n";
        }
        StringBuilder r = new StringBuilder("\nreadiness:\n  gate:\n    override:\n");
        open.forEach(e -> r.append("      - {env: ").append(e).append(", reason: a test of something else than the G1 gate}\n"));
        return open.isEmpty() ? out : out + r;
    }

    /** The non-production environments of a config that declares a production one; null when it declares none. */
    private static List<String> openableEnvironments(String yaml) {
        tools.jackson.databind.JsonNode envs;
        try {
            envs = new tools.jackson.dataformat.yaml.YAMLMapper().readTree(yaml).path("environments");
        } catch (RuntimeException e) {
            return null; // a test of broken YAML: the reader says what is wrong
        }
        List<String> open = new java.util.ArrayList<>();
        boolean production = false;
        for (tools.jackson.databind.JsonNode e : envs) {
            if (e.path("production").asBoolean(false)) {
                production = true;
            } else {
                open.add(e.isString() ? e.asString() : e.path("name").asString());
            }
        }
        return production ? open : null;
    }

    private static GatewayConfig onFreePort(GatewayConfig c) {
        return c.withPort(0);
    }

    /** A YAML flow list of strings (JSON strings are YAML double-quoted scalars). */
    public static String list(List<String> items) {
        var a = Json.array();
        items.forEach(a::add);
        return Json.write(a);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + http.port() + "/mcp");
    }

    public URI url(String environment) {
        return URI.create("http://127.0.0.1:" + http.port() + "/mcp/" + environment);
    }

    /** http(s)://127.0.0.1:port — https when the identity section serves TLS. */
    public String base() {
        return (gateway.config().identity().tls() != null ? "https" : "http") + "://127.0.0.1:" + http.port();
    }

    /** The data directory the running config uses. */
    public Path dataDir() {
        return gateway.config().server().dataDir();
    }

    /** An admin API answer: the status and the JSON body (null when empty). */
    public record AdminReply(int status, tools.jackson.databind.JsonNode json) {}

    private final java.net.http.HttpClient admin = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A request to the admin side ({@code /admin/...}) with a bearer token (or none); body JSON or null. */
    public AdminReply admin(String method, String path, String token, tools.jackson.databind.JsonNode body) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, java.net.http.HttpRequest.BodyPublishers.ofString(Json.write(body)));
        } else {
            b.method(method, java.net.http.HttpRequest.BodyPublishers.noBody());
        }
        var r = admin.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new AdminReply(r.statusCode(), r.body().isEmpty() ? null : Json.parse(r.body()));
    }

    public int port() {
        return http.port();
    }

    /** A new API key (its secret) for {@code subject} with {@code role} in {@code environments}, valid for a day. */
    public String apiKey(String subject, String role, String... environments) {
        return gateway.identity().store().createKey(subject, role, List.of(environments),
                java.time.Instant.now().plus(java.time.Duration.ofDays(1)), "test").secret();
    }

    public WireClient client() {
        return new WireClient(url());
    }

    public Gateway gateway() {
        return gateway;
    }

    public HttpServer http() {
        return http;
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return file;
    }

    /** Replaces the config file in one step (what an editor's save looks like to the watcher). */
    public void writeConfig(String yaml) throws IOException {
        Path tmp = dir.resolve("portcullis.yaml.tmp");
        Files.writeString(tmp, openCatalog(yaml));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes the config and applies it at once ({@link Gateway#apply}), as a reload does. */
    public void reload(String yaml) throws IOException, ConfigException {
        writeConfig(yaml);
        gateway.apply(onFreePort(ConfigReader.read(file)));
    }

    /**
     * Writes the config and offers it to the change control as {@code serve}'s watcher does (#15 item 4):
     * applied when it narrows, held when it widens an environment of {@code change_control.hold_widening}.
     */
    public io.portcullis.changes.ChangeControl.Outcome offer(String yaml) throws IOException, ConfigException {
        writeConfig(yaml);
        return gateway.changeControl().offer(onFreePort(ConfigReader.read(file)));
    }

    /** Watches the config file the way {@code serve} does; {@code refused} hears every broken edit. */
    public void watch(Consumer<ConfigException> refused) {
        watcher = new ConfigWatcher(file, List.of(file), next -> gateway.apply(onFreePort(next)), refused);
    }

    /**
     * Some upstreams change their listing right after the handshake (server-everything adds the
     * tools that depend on the client's capabilities and says tools/list_changed): waits until
     * the catalog has not changed for 500 ms (at most 5 s), so tests see the settled listing.
     */
    private void awaitSettledCatalog() {
        Catalog[] last = {gateway.catalog()};
        long[] stableSince = {System.nanoTime()};
        try {
            Eventually.eventually(Duration.ofSeconds(5), "the catalog stays the same for 500 ms", () -> {
                Catalog now = gateway.catalog();
                if (now != last[0]) {
                    last[0] = now;
                    stableSince[0] = System.nanoTime();
                }
                return System.nanoTime() - stableSince[0] >= Duration.ofMillis(500).toNanos();
            });
        } catch (AssertionError stillChanging) {
            // at most 5 s, as before: an upstream that keeps changing its listing is the test's to see
        }
    }

    /** Waits until the catalog satisfies {@code condition}; fails after 30 s. */
    public Catalog awaitCatalog(Predicate<Catalog> condition) {
        try {
            return Eventually.eventually(Duration.ofSeconds(30), gateway::catalog, condition);
        } catch (AssertionError e) {
            throw new AssertionError("the catalog never got there; tools now: "
                    + gateway.catalog().tools().stream().map(t -> t.name()).toList(), e);
        }
    }

    @Override
    public void close() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        try {
            http.close();
        } finally {
            gateway.close();
            if (ownsDir) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
