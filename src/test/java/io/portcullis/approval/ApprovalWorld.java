package io.portcullis.approval;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireClient;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.testing.Eventually;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the approval tests run against: a real OAuth server (mock-oauth2-server on loopback)
 * minting really signed tokens, the real gateway in-process ({@link TestGateway}) with the demo
 * upstream over stdio and its data directory outside the gateway's temp dir (so a second gateway
 * can start on it), and raw HTTP helpers for the MCP endpoint and the admin API.
 */
final class ApprovalWorld implements AutoCloseable {
    record Reply(int status, JsonNode json) {}

    /**
     * Where tests run calls that block until a decision: not the common pool, which has a single
     * worker on a 2-core machine and is also where the Java SDK client finishes its own work.
     */
    static final java.util.concurrent.Executor CALLERS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    final MockOAuth2Server idp = new MockOAuth2Server();
    final Path dataDir;
    final String extraYaml;
    /** More lines under {@code upstreams:} (indented two spaces), or empty. */
    final String extraUpstreams;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    TestGateway gw;

    ApprovalWorld(Path dataDir, String extraYaml) throws Exception {
        this(dataDir, extraYaml, "");
    }

    ApprovalWorld(Path dataDir, String extraYaml, String extraUpstreams) throws Exception {
        this(dataDir, extraYaml, extraUpstreams, "");
    }

    /** More lines under {@code identity.issuers:} (indented four spaces), e.g. a second issuer of the same IdP. */
    final String extraIssuers;

    /** The time approvals and gateway tasks run on: the system's, or a ticker the test moves (#12 item 7). */
    final io.portcullis.ingress.detached.Ticker ticker;

    ApprovalWorld(Path dataDir, String extraYaml, String extraUpstreams, String extraIssuers) throws Exception {
        this(dataDir, extraYaml, extraUpstreams, extraIssuers, io.portcullis.ingress.detached.Ticker.system());
    }

    ApprovalWorld(Path dataDir, String extraYaml, io.portcullis.ingress.detached.Ticker ticker) throws Exception {
        this(dataDir, extraYaml, "", "", ticker);
    }

    ApprovalWorld(Path dataDir, String extraYaml, String extraUpstreams, String extraIssuers,
                  io.portcullis.ingress.detached.Ticker ticker) throws Exception {
        this.ticker = ticker;
        this.extraIssuers = extraIssuers;
        this.dataDir = dataDir;
        this.extraYaml = extraYaml;
        this.extraUpstreams = extraUpstreams;
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        // The mock IdP is slow on its first requests (class loading, key generation) on a busy machine;
        // the gateway's discovery fetch has a short timeout. Warm it up, so tests measure the gateway.
        for (String path : List.of("/default/.well-known/openid-configuration", "/default/jwks")) {
            http.send(HttpRequest.newBuilder(URI.create(idpBase() + path)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        gw = TestGateway.start(yaml("30s"), ticker);
    }

    String idpBase() {
        return "http://127.0.0.1:" + idp.baseUrl().port();
    }

    /**
     * #11 item 7: nothing opens the G1 gate of a production environment, so the approval tests'
     * {@code prod} is made ready like a real deployment: every tool in the catalog with an owner, a
     * purpose, a class and constraints (C2.1-C2.3), a configured audit signing key and retention (C4.2) and the
     * declared rotation steps and playbook (C1.3, C4.4).
     */
    static String readyCatalog(String moreOwners, String moreTools) {
        return """
                catalog:
                  unlisted: hide
                  upstreams:
                    demo: {owner: {team: support-platform, oncall: "pager:support-platform"}}
                %s  tools:
                    demo__echo: {purpose: Connectivity check., risk: read_only}
                    demo__search_tickets: {purpose: Find tickets., risk: read_only}
                    demo__create_ticket:
                      purpose: File tickets.
                      risk: state_changing
                      constraints: {project: {max_length: 64}, title: {max_length: 200}}
                    demo__delete_project:
                      purpose: Clean up projects.
                      risk: irreversible
                      constraints: {project: {max_length: 64}}
                %s""".formatted(moreOwners, moreTools);
    }

    private String readySections() throws java.io.IOException {
        Path key = dataDir.resolveSibling(dataDir.getFileName() + "-audit.key");
        if (!java.nio.file.Files.exists(key)) {
            io.portcullis.audit.SigningKeys.generate(key);
        }
        return (extraYaml.contains("catalog:") ? "" : readyCatalog("", "")) + """
                audit:
                  signing_key: %s
                  default_retention: 90d
                readiness:
                  rotation: docs/rotation.md
                  playbook: docs/playbook.md
                """.formatted(Json.write(Json.object().stringNode(key.toString())));
    }

    String yaml(String waitFor) throws java.io.IOException {
        return """
                server: {host: 127.0.0.1, port: 0, data_dir: %s}
                environments: [dev, {name: prod, production: true}]
                upstreams:
                  demo: {command: %s}
                %s
                identity:
                  admin_roles: [portcullis-admin]
                  issuers:
                    - issuer: %s/default
                      discovery: %s/default/.well-known/openid-configuration
                      claims: {roles: [groups]}
                %s
                approvals:
                  wait: %s
                  progress_interval: 200ms
                %s
                %s""".formatted(Json.write(Json.object().stringNode(dataDir.toString())), TestGateway.list(JvmPeers.demo()), extraUpstreams,
                idpBase(), idpBase(), extraIssuers, waitFor, extraYaml, readySections()).replace("{IDP}", idpBase());
    }

    /** Applies the same config with another {@code approvals.wait}, as a reload does. */
    void waitFor(String duration) throws Exception {
        gw.reload(yaml(duration));
    }

    /** Stops the gateway and starts a new one on the same data directory (and config). */
    void restart(String waitFor) throws Exception {
        gw.close();
        gw = TestGateway.start(yaml(waitFor), ticker);
    }

    /** A genuine token for {@code subject} with these groups (mapped to roles), for an environment's audience. */
    String token(String subject, List<String> groups, String environment) {
        return token("default", subject, groups, environment, null);
    }

    /** A genuine token of the IdP's issuer {@code issuerId} ({@code default}, or another declared in {@link #extraIssuers}). */
    String token(String issuerId, String subject, List<String> groups, String environment, String email) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", idpBase() + "/" + issuerId);
        if (email != null) {
            claims.put("email", email);
        }
        claims.put("groups", groups);
        claims.put("name", subject.substring(0, 1).toUpperCase() + subject.substring(1));
        return idp.issueToken(issuerId, subject, gw.gateway().identity().resource(environment), claims, 600).serialize();
    }

    /** A legacy MCP session opened with a bearer token. */
    final class Session {
        final String token;
        final String path;
        final String id;
        private final WireClient client;
        private int next = 1;
        /** The initialize result (capabilities the gateway offered). */
        final JsonNode initialized;

        Session(String token, String environment) {
            this.token = token;
            this.path = "/mcp/" + environment;
            this.client = new WireClient(gw.url(environment));
            ObjectNode p = Json.object().put("protocolVersion", "2025-11-25");
            p.putObject("capabilities");
            p.putObject("clientInfo").put("name", "approvals-it").put("version", "1");
            WireReply r = client.post(Json.write(Message.request(Json.object().numberNode(0), "initialize", p)),
                    "Authorization", "Bearer " + token);
            id = r.header("Mcp-Session-Id");
            initialized = r.status() == 200 ? r.messages().getLast().path("result") : null;
            if (r.status() != 200 || id == null) {
                throw new AssertionError("initialize failed: " + r);
            }
            client.post(Json.write(Message.notification("notifications/initialized", null)), headers());
        }

        String[] headers() {
            return new String[] {"Authorization", "Bearer " + token, "Mcp-Session-Id", id, "MCP-Protocol-Version", "2025-11-25"};
        }

        /** tools/call; {@code meta} may be null. Returns every message of the answer (progress first, the response last). */
        List<JsonNode> call(String tool, ObjectNode args, ObjectNode meta) {
            ObjectNode p = Json.object().put("name", tool);
            p.set("arguments", args);
            if (meta != null) {
                p.set("_meta", meta);
            }
            WireReply r = client.post(Json.write(Message.request(Json.object().numberNode(nextId()), "tools/call", p)), headers());
            if (r.status() != 200) {
                throw new AssertionError("tools/call answered " + r);
            }
            return r.messages();
        }

        private synchronized int nextId() {
            return next++;
        }

        /** Any request on the session; returns the response message (the last message of the answer). */
        JsonNode request(String method, ObjectNode params) {
            WireReply r = client.post(Json.write(Message.request(Json.object().numberNode(nextId()), method, params)), headers());
            if (r.status() != 200) {
                throw new AssertionError(method + " answered " + r);
            }
            return r.messages().getLast();
        }
    }

    Session session(String token, String environment) {
        return new Session(token, environment);
    }

    Reply admin(String method, String path, String token, JsonNode body) throws Exception {
        TestGateway.AdminReply r = gw.admin(method, path, token, body);
        return new Reply(r.status(), r.json());
    }

    Reply decide(String id, String verdict, String token, String comment) throws Exception {
        return admin("POST", "/admin/api/approvals/" + id + "/" + verdict, token, Json.object().put("comment", comment));
    }

    /** Waits (up to 30 s) for the pending request of {@code tool} whose arguments contain {@code marker}, as {@code token} sees it. */
    JsonNode awaitPending(String token, String tool, String marker) throws Exception {
        return Eventually.eventually(Duration.ofSeconds(30), () -> {
            Reply r = admin("GET", "/admin/api/approvals?status=pending", token, null);
            if (r.status() != 200) {
                throw new AssertionError("listing answered " + r);
            }
            for (JsonNode a : r.json()) {
                if (a.path("tool").asString().equals(tool) && Json.write(a.path("arguments")).contains(marker)) {
                    return a;
                }
            }
            return null;
        }, a -> a != null);
    }

    @Override
    public void close() throws Exception {
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            idp.shutdown();
        }
    }
}
