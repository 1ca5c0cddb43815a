package io.portcullis.approval;

import io.portcullis.protocol.Json;
import io.portcullis.text.Visible;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 5 (C7.1): announces incidents to the on-call webhook of each owner concerned, with the
 * approvals webhook mechanism ({@link Webhook}: JSON or Slack, secret headers, retries with backoff,
 * never blocking the caller). Each incident goes to the boundary owner (the gateway's team) and to the
 * owner of the upstream or tool involved, once per distinct webhook.
 *
 * <p>Built: a circuit breaker opening ({@code incident.breaker_open}) and a kill-switch flip
 * ({@code incident.kill_switch}). Not built here: quarantined tools and held permission changes.
 */
public final class OwnerAlerts implements AutoCloseable {
    private final Webhook webhook = new Webhook();
    private final Function<String, ApprovalsConfig.Webhook> hookOfTeam;
    private final java.util.function.Supplier<String> boundaryTeam;

    /**
     * @param boundaryTeam the team that owns the MCP boundary, or null
     * @param hookOfTeam   the on-call webhook of a team (null when it has none)
     */
    public OwnerAlerts(java.util.function.Supplier<String> boundaryTeam, Function<String, ApprovalsConfig.Webhook> hookOfTeam) {
        this.boundaryTeam = boundaryTeam;
        this.hookOfTeam = hookOfTeam;
    }

    /** An upstream's circuit breaker opened: its calls are refused for {@code openForMillis}. */
    public void breakerOpened(String upstream, String ownerTeam, float failureRate, float slowCallRate, long openForMillis) {
        ObjectNode i = incident("breaker_open");
        i.put("upstream", upstream).put("failure_rate", failureRate).put("slow_call_rate", slowCallRate)
                .put("open_for_ms", openForMillis);
        send("incident.breaker_open", i, ownerTeam, "Circuit breaker OPEN for upstream `" + Visible.escape(upstream)
                + "`: failure rate " + failureRate + "%, slow-call rate " + slowCallRate + "%; calls are refused for "
                + openForMillis + " ms, then probe calls decide.");
    }

    /**
     * A kill switch was flipped.
     *
     * @param flip      the flip as its audit record carries it (action, scope, name, env, reason, by)
     * @param ownerTeam the owner of the tool or upstream it names, or null
     */
    public void killSwitchFlipped(ObjectNode flip, String ownerTeam) {
        ObjectNode i = incident("kill_switch");
        i.set("flip", flip);
        send("incident.kill_switch", i, ownerTeam, "Kill switch " + Visible.escape(flip.path("action").asString(""))
                + ": " + Visible.escape(flip.path("scope").asString("")) + " `" + Visible.escape(flip.path("name").asString(""))
                + "` in " + Visible.escape(flip.path("environment").asString("*")) + " by "
                + Visible.escape(flip.path("by").asString("?")) + ". Reason: " + Visible.escape(flip.path("reason").asString("")));
    }

    private ObjectNode incident(String kind) {
        return Json.object().put("id", UUID.randomUUID().toString()).put("kind", kind).put("at", Instant.now().toString());
    }

    private void send(String event, ObjectNode incident, String ownerTeam, String slackText) {
        Set<String> teams = new LinkedHashSet<>();
        String boundary = boundaryTeam.get();
        if (boundary != null) {
            teams.add(boundary);
        }
        if (ownerTeam != null) {
            teams.add(ownerTeam);
        }
        Set<ApprovalsConfig.Webhook> sent = new LinkedHashSet<>();
        for (String team : teams) {
            ApprovalsConfig.Webhook hook = hookOfTeam.apply(team);
            if (hook != null && sent.add(hook)) {
                ObjectNode body = incident.deepCopy();
                body.put("owner", team);
                webhook.sendIncident(hook, event, incident.path("id").asString(), body, slackText);
            }
        }
    }

    @Override
    public void close() {
        webhook.close();
    }
}
