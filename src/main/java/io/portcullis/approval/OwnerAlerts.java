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
 * ({@code incident.kill_switch}), a quarantined tool ({@code incident.quarantine}) and a held config change
 * ({@code incident.change_held}).
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

    /** #15 item 4: a config change that widens what someone may do is held until reviewers approve it. */
    public void changeHeld(ObjectNode change) {
        ObjectNode i = incident("change_held");
        i.set("change", change);
        send("incident.change_held", i, null, "Config change `" + Visible.escape(change.path("id").asString(""))
                + "` widens " + Visible.escape(change.path("environments").toString()) + " and is HELD for review (author "
                + Visible.escape(change.path("author").asString(change.path("file_owner").asString("?")))
                + "); the gateway runs on the last approved config. Review it: portcullis changes show "
                + Visible.escape(change.path("id").asString("")));
    }

    /**
     * #15 item 1: a tool's served definition is not its pinned one: it is quarantined until a reviewer accepts it.
     *
     * @param environments where it is refused (a served definition is the same in every environment: all of them)
     */
    public void quarantined(String kind, String upstream, String exposed, String reason, java.util.List<String> environments,
                            String ownerTeam) {
        ObjectNode i = incident("quarantine");
        i.put("kind_of_item", kind).put("upstream", upstream).put(kind, exposed).put("reason", reason);
        environments.forEach(i.putArray("environments")::add);
        send("incident.quarantine", i, ownerTeam, "The " + Visible.escape(kind) + " `" + Visible.escape(exposed) + "` of upstream `"
                + Visible.escape(upstream) + "` is QUARANTINED in " + Visible.escape(String.join(", ", environments)) + ": "
                + Visible.escape(reason)
                + ". Review it: portcullis review list");
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
