package io.portcullis.approval;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.portcullis.protocol.Json;
import io.portcullis.text.Visible;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Announces approval requests and decisions to a webhook (JSON or a Slack-compatible body). The
 * request is stored before anything is sent: a webhook that is down delays nobody and loses
 * nothing; each failed attempt is logged, then retried with doubling backoff.
 */
final class Webhook implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.approvals");
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor();

    /** Sends {@code event} ({@code approval.requested}, {@code approval.decided}) in the background. */
    void send(ApprovalsConfig.Webhook hook, String event, ApprovalRequest r) {
        if (hook == null) {
            return;
        }
        ObjectNode body = hook.format() == ApprovalsConfig.Format.SLACK ? slack(event, r)
                : Json.object().put("event", event).set("approval", r.toJson());
        try {
            sender.execute(() -> deliver(hook, event, r.id(), Json.write(body)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("approval webhook not sent (gateway stopping) {} {}", kv("approval_id", r.id()), kv("event", event));
        }
    }

    /**
     * #15 item 5: sends an incident {@code event} ({@code incident.breaker_open}, {@code incident.kill_switch}) in the
     * background, with the same delivery, headers and retries as approvals: {@code {event, incident}} or Slack's {@code text}.
     */
    void sendIncident(ApprovalsConfig.Webhook hook, String event, String id, ObjectNode incident, String slackText) {
        if (hook == null) {
            return;
        }
        ObjectNode body = hook.format() == ApprovalsConfig.Format.SLACK ? Json.object().put("text", slackText)
                : Json.object().put("event", event).set("incident", incident);
        try {
            sender.execute(() -> deliver(hook, event, id, Json.write(body)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("incident webhook not sent (gateway stopping) {} {}", kv("incident_id", id), kv("event", event));
        }
    }

    private void deliver(ApprovalsConfig.Webhook hook, String event, String id, String body) {
        Duration backoff = hook.backoff();
        for (int attempt = 1; attempt <= hook.retries() + 1; attempt++) {
            String failure;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(hook.url()).timeout(hook.timeout())
                        .header("Content-Type", "application/json").header("User-Agent", "portcullis-approvals")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                hook.headers().forEach((name, secret) -> b.header(name, secret.value()));
                HttpResponse<Void> res = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
                if (res.statusCode() / 100 == 2) {
                    LOG.info("approval webhook delivered {} {} {} {}", kv("approval_id", id), kv("event", event),
                            kv("status", res.statusCode()), kv("attempt", attempt));
                    return;
                }
                failure = "HTTP " + res.statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            } catch (Exception e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            boolean last = attempt > hook.retries() || Thread.currentThread().isInterrupted();
            LOG.warn("approval webhook failed {} {} {} {} {}", kv("approval_id", id), kv("event", event),
                    kv("attempt", attempt), kv("error", failure), kv("next", last ? "gave up" : "retry in " + backoff));
            if (last) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static ObjectNode slack(String event, ApprovalRequest r) {
        // #11 item 15: values are shown with control, bidi and invisible characters escaped
        String who = Visible.escape(r.requester().displayName() + " (" + r.requester().subject() + ")");
        StringBuilder t = new StringBuilder();
        if (event.equals("approval.requested")) {
            t.append("Approval needed: ").append(who).append(" wants to call `").append(r.tool()).append("` in ")
                    .append(r.environment()).append(".\nArguments: `").append(Visible.escape(Json.write(r.arguments()))).append('`')
                    .append(ArgumentDigest.maskedPointers(r.arguments()).isEmpty() ? "" : " (secrets masked at "
                            + ArgumentDigest.maskedPointers(r.arguments()) + "; everything else as it will be sent)")
                    .append("\nReason: ").append(r.reason()).append("\nApprover roles: ").append(r.approverRoles())
                    .append(", quorum ").append(r.quorum()).append(", expires ").append(r.expires())
                    .append("\nApproval id: ").append(r.id());
            if (r.userRequest() != null && r.userRequest().text() != null) {
                t.append("\nUser request: ").append(Visible.escape(r.userRequest().text()));
            }
        } else {
            t.append("Approval ").append(r.id()).append(" is ").append(r.status().id()).append(": `").append(r.tool())
                    .append("` in ").append(r.environment()).append(" for ").append(who);
            r.votes().forEach(v -> t.append("\n").append(v.approve() ? "approved" : "denied").append(" by ")
                    .append(Visible.escape(v.approver().subject())).append(v.comment() == null ? "" : ": " + Visible.escape(v.comment())));
        }
        return Json.object().put("text", t.toString());
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.shutdownNow();
        http.close();
    }
}
