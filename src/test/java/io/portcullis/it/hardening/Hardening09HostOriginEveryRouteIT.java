package io.portcullis.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.GatewayExtension;
import io.portcullis.it.LegacySession;
import io.portcullis.it.RawHttp;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireClient;
import io.portcullis.protocol.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * #11 item 9: in the open demo (no identity section) a DNS-rebinding page reached the audit API
 * with a foreign {@code Host} and read every record with its arguments, while {@code /mcp}
 * answered 403. Every route now passes the same Host/Origin guard before anything else looks at
 * the request; only the health probes (which tell nothing) are exempt.
 */
class Hardening09HostOriginEveryRouteIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.demo().build();

    @BeforeAll
    static void start() throws Exception {
        // one call, so that the audit log holds a record with arguments worth stealing
        LegacySession s = LegacySession.open(new WireClient(gw.url()), "2025-06-18");
        s.request("tools/call", Json.object().put("name", "demo__echo").set("arguments", Json.object().put("message", "secret-arg")));
    }

    private static String get(String path, String host, String origin) throws Exception {
        return RawHttp.exchange(gw.port(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + "Connection: close\r\n\r\n");
    }

    @Test
    void item9_theAuditApiServesLoopbackButNotARebindingPage() throws Exception {
        String local = get("/admin/api/audit/records", "127.0.0.1:" + gw.port(), null);
        assertThat(RawHttp.status(local)).isEqualTo(200);
        assertThat(RawHttp.body(local)).contains("secret-arg");

        String rebound = get("/admin/api/audit/records", "attacker.example:" + gw.port(), null);
        assertThat(RawHttp.status(rebound)).isEqualTo(403);
        assertThat(RawHttp.body(rebound)).contains("Invalid Host header").doesNotContain("secret-arg");

        String crossSite = get("/admin/api/audit/export", "127.0.0.1:" + gw.port(), "https://attacker.example");
        assertThat(RawHttp.status(crossSite)).isEqualTo(403);
        assertThat(RawHttp.body(crossSite)).contains("Invalid Origin header").doesNotContain("secret-arg");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/api/audit/verify", "/admin/api/audit/trace/x", "/admin/api/readiness",
            "/admin/api/upstreams", "/admin/api/kill-switches", "/admin/approvals", "/admin/approvals.js", "/admin/kill-switches",
            "/admin/kill-switches.js", "/.well-known/oauth-protected-resource", "/mcp", "/no-such-route"})
    void item9_everyRouteRefusesAForeignHost(String path) throws Exception {
        String rebound = get(path, "attacker.example", null);
        assertThat(RawHttp.status(rebound)).as(path).isEqualTo(403);
        assertThat(RawHttp.body(rebound)).as(path).contains("Invalid Host header");
        String crossSite = get(path, "localhost", "http://attacker.example");
        assertThat(RawHttp.status(crossSite)).as(path).isEqualTo(403);
    }

    @Test
    void item9_theHealthProbeAnswersAnyHost() throws Exception {
        // orchestrators probe by pod IP; "ok" tells a rebinding page nothing
        assertThat(RawHttp.status(get("/healthz", "10.1.2.3:8080", null))).isEqualTo(200);
    }
}
