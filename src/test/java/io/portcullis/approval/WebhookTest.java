package io.portcullis.approval;

import io.portcullis.it.LogLines;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.IdentityConfig.Secret;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook on its own: the Slack body, the header read from a file, retries, and giving up quietly. */
class WebhookTest {

    static ApprovalRequest request() {
        return ApprovalStoreTest.request(1, Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void slackFormatIsOneTextWithWhoWhatAndTheId(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("t"), "s3cret\n");
        try (HookReceiver hook = new HookReceiver(2); Webhook webhook = new Webhook()) {
            ApprovalRequest r = request();
            webhook.send(new ApprovalsConfig.Webhook(URI.create(hook.url()), ApprovalsConfig.Format.SLACK,
                    Map.of("X-Hook-Token", new Secret(null, secret)), 3, Duration.ofMillis(50), Duration.ofSeconds(5)),
                    "approval.requested", r);
            HookReceiver.Delivery d = hook.await(x -> true);
            assertThat(d.token()).isEqualTo("s3cret");
            assertThat(d.body().propertyNames()).containsExactly("text");
            assertThat(d.body().path("text").asString()).contains("Approval needed", "alice", "demo__delete_project", "prod",
                    r.id(), "delete x");
            assertThat(hook.deliveries).hasSize(3); // two failures, then the success
        }
    }

    @Test
    void anUnreachableWebhookIsRetriedThenGivenUpWithoutHarm() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (LogLines logs = new LogLines("portcullis.approvals"); Webhook webhook = new Webhook()) {
            webhook.send(new ApprovalsConfig.Webhook(URI.create("http://127.0.0.1:" + port + "/hook"), ApprovalsConfig.Format.JSON,
                    Map.of(), 2, Duration.ofMillis(20), Duration.ofSeconds(2)), "approval.requested", request());
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(30), "the webhook gave up",
                    () -> logs.lines().stream().anyMatch(l -> l.contains("gave up")));
            List<String> failed = logs.lines().stream().filter(l -> l.contains("approval webhook failed")).toList();
            assertThat(failed).hasSize(3);
            assertThat(failed.getLast()).contains("gave up");
        }
    }
}
