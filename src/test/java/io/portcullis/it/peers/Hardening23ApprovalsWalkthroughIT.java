package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 23: the approvals walkthrough of docs/operations/approvals.md, followed from the shipped
 * pieces only: examples/approvals.yaml, the OAuth server configured by scripts/mock-idp.json (what
 * scripts/mock-idp.sh runs; here in-process on a free port instead of 9000), an API key from
 * {@code keys create}, the MCP call, the approver's token by client credentials and
 * {@code portcullis approvals list|approve} with {@code PORTCULLIS_TOKEN}. The approval is bound
 * to the identical call, which then runs once; someone without the approver role cannot approve.
 */
class Hardening23ApprovalsWalkthroughIT {
    private static final Pattern APPROVAL_ID = Pattern.compile("apr_[A-Za-z0-9_-]+");

    @Test
    void item23_theApprovalsWalkthroughWorksFromTheShippedExamples() throws Exception {
        Path work = Hardening23ReadmeCommandsIT.newcomerDir(Hardening23ApprovalsWalkthroughIT.class);
        String idpConfig = Files.readString(Peers.root().resolve("scripts/mock-idp.json"));
        assertThat(Files.readString(Peers.root().resolve("scripts/mock-idp.sh"))).contains("scripts/mock-idp.json");
        MockOAuth2Server idp = new MockOAuth2Server(OAuth2Config.Companion.fromJson(idpConfig));
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        try {
            String base = "http://127.0.0.1:" + idp.baseUrl().port();
            Path config = work.resolve("examples/approvals.yaml");
            Files.writeString(config, Files.readString(config).replace("http://127.0.0.1:9000", base));
            try (GatewayProcess gw = GatewayProcess.start(config, work)) {
                String gateway = "http://127.0.0.1:" + gw.port();
                // KEY=$(./portcullis keys create --config examples/approvals.yaml --role support-bot --env dev --expires 1d)
                Peers.Result key = Hardening23ReadmeCommandsIT.sh(work,
                        "./portcullis keys create --config examples/approvals.yaml --role support-bot --env dev --expires 1d");
                assertThat(key.exit()).as(key.stderr()).isZero();
                String secret = key.stdout().strip();
                assertThat(secret).startsWith("pcl_");
                BearerSession caller = BearerSession.open(gw.url(), secret);

                // changes that are not irreversible run at once
                ObjectNode ticket = caller.call("demo__create_ticket", Json.object().put("project", "acme-web").put("title", "Walkthrough"));
                assertThat(ticket.path("isError").asBoolean(false)).as(ticket.toString()).isFalse();

                // the irreversible call answers at once with the approval id (approvals.wait: 0s)
                ObjectNode args = Json.object().put("project", "acme-test-1");
                ObjectNode pending = caller.call("demo__delete_project", args);
                assertThat(pending.path("isError").asBoolean(false)).isTrue();
                Matcher m = APPROVAL_ID.matcher(pending.toString());
                assertThat(m.find()).as(pending.toString()).isTrue();
                String approval = m.group();

                // export PORTCULLIS_TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=dana -d client_secret=x \
                //     http://127.0.0.1:9000/approvers/token | jq -r .access_token)
                String dana = token(base, "dana");
                String sam = token(base, "sam");

                // Sam is signed in but does not hold the approver role: refused, exit 1
                Peers.Result refused = Peers.run(List.of("/bin/sh", "-c", "./portcullis approvals approve " + approval
                        + " --comment 'me too' --config examples/approvals.yaml --url " + gateway), work, Duration.ofSeconds(120),
                        Map.of("PORTCULLIS_TOKEN", sam));
                assertThat(refused.exit()).as(refused.stdout() + refused.stderr()).isEqualTo(1);

                Peers.Result list = Peers.run(List.of("/bin/sh", "-c", "./portcullis approvals list --config examples/approvals.yaml --url "
                        + gateway), work, Duration.ofSeconds(120), Map.of("PORTCULLIS_TOKEN", dana));
                assertThat(list.exit()).as(list.stderr()).isZero();
                assertThat(list.stdout()).contains(approval).contains("demo__delete_project");

                Peers.Result approve = Peers.run(List.of("/bin/sh", "-c", "./portcullis approvals approve " + approval
                        + " --comment 'test project, fine' --config examples/approvals.yaml --url " + gateway), work, Duration.ofSeconds(120),
                        Map.of("PORTCULLIS_TOKEN", dana));
                assertThat(approve.exit()).as(approve.stdout() + approve.stderr()).isZero();

                // the identical call runs once; the next identical one needs a new approval
                ObjectNode ran = caller.call("demo__delete_project", args);
                assertThat(ran.path("isError").asBoolean(false)).as(ran.toString()).isFalse();
                ObjectNode again = caller.call("demo__delete_project", args);
                assertThat(again.path("isError").asBoolean(false)).isTrue();
                assertThat(again.toString()).doesNotContain(approval);
            }
        } finally {
            idp.shutdown();
        }
    }

    /** The walkthrough's curl: a token of the approvers issuer by client credentials. */
    static String token(String base, String clientId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/approvers/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId + "&client_secret=x"))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        String token = Json.parse(r.body()).path("access_token").asString();
        assertThat(token).as(r.body()).isNotBlank();
        return token;
    }
}
