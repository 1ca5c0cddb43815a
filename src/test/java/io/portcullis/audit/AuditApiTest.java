package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.admin.AuditApi;
import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit admin API's access rule on a gateway without identity: a configured bearer token, else loopback only. */
class AuditApiTest {
    @TempDir
    Path dir;
    AuditFixture f;
    Server server;
    final AtomicReference<AuditConfig> config = new AtomicReference<>();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        f = new AuditFixture(Kind.SQLITE, dir);
        f.calls("dev", 3);
        config.set(f.config);
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new AuditApi(f.log, AuditApi.tokenOrLoopback(config::get)));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        f.close();
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + "/admin/api/audit/" + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    AuditConfig withToken(String env, Path file) {
        AuditConfig c = f.config;
        return new AuditConfig(c.signingKey(), c.generateKey(), c.trustedKeys(), c.nodeId(), c.dataDir(), c.checkpointEvery(),
                c.checkpointInterval(), c.maskFields(), c.maxValueChars(), c.retention(), c.defaultRetention(), c.pruneInterval(),
                c.writeTimeout(), env, file);
    }

    @Test
    void withoutATokenLoopbackClientsAreServed() throws Exception {
        HttpResponse<String> r = get("records?env=dev&limit=2", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.parse(r.body()).path("records")).hasSize(2);
    }

    @Test
    void aConfiguredTokenIsRequired() throws Exception {
        Path file = dir.resolve("admin-token");
        Files.writeString(file, "s3cret-admin-token\n");
        config.set(withToken(null, file));
        assertThat(get("records", null).statusCode()).isEqualTo(401);
        assertThat(get("records", "wrong").statusCode()).isEqualTo(401);
        assertThat(get("records", "s3cret-admin-token").statusCode()).isEqualTo(200);
        assertThat(get("verify", "s3cret-admin-token").body()).contains("\"intact\":true");
    }

    @Test
    void anUnreadableTokenClosesTheApi() throws Exception {
        config.set(withToken("PORTCULLIS_TEST_TOKEN_THAT_IS_NOT_SET", null));
        assertThat(get("records", "anything").statusCode()).isEqualTo(403);
        config.set(withToken(null, dir.resolve("missing-token-file")));
        assertThat(get("records", "anything").statusCode()).isEqualTo(403);
    }

    @Test
    void badQueriesAreClientErrors() throws Exception {
        assertThat(get("records?since=yesterday", null).statusCode()).isEqualTo(400);
        assertThat(get("nothing-here", null).statusCode()).isEqualTo(404);
    }
}
