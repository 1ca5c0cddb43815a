package io.portcullis;

import io.portcullis.approval.ApprovalsConfig;
import io.portcullis.approval.OwnerAlerts;
import io.portcullis.catalog.CatalogConfig;
import io.portcullis.catalog.Owner;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.ReadinessConfig;
import io.portcullis.killswitch.KillStore;
import io.portcullis.killswitch.KillSwitch;
import io.portcullis.upstream.Upstream;
import java.util.function.Supplier;

/**
 * #15 item 5 (C7.1): connects the gateway's incidents to the owners' on-call webhooks
 * ({@code readiness.oncall.TEAM.webhook}), always read from the config in force: a breaker opening
 * goes to the boundary owner and the upstream's owner; a kill-switch flip to the boundary owner and
 * the owner of the tool or upstream it names.
 */
final class Incidents implements AutoCloseable {
    private final Supplier<GatewayConfig> config;
    private final OwnerAlerts alerts;

    Incidents(Supplier<GatewayConfig> config) {
        this.config = config;
        this.alerts = new OwnerAlerts(this::boundaryTeam, this::hookOf);
    }

    /** Tells the owners when {@code u}'s breaker opens. */
    Upstream watch(Upstream u) {
        u.protection().onBreakerOpen(breakerListener());
        return u;
    }

    /** What an upstream's breaker tells when it opens. */
    io.portcullis.resilience.Protection.BreakerListener breakerListener() {
        return (name, failure, slow, ms) -> alerts.breakerOpened(name, upstreamTeam(name), failure, slow, ms);
    }

    /** Tells the owners of a kill-switch flip (called once per flip in the cluster, by the node that records it). */
    void flipped(KillStore.Flip f) {
        String team = f.sw().scope() == KillSwitch.Scope.TOOL ? toolTeam(f.sw().name())
                : f.sw().scope() == KillSwitch.Scope.UPSTREAM ? upstreamTeam(f.sw().name()) : null;
        alerts.killSwitchFlipped(f.toJson().put("by", f.sw().by()), team);
    }

    /** #15 item 4: a widening config change is held for review (the boundary owner hears of it). */
    void changeHeld(io.portcullis.changes.ChangeControl.Held h) {
        alerts.changeHeld(h.toJson());
    }

    /** #15 item 1: a tool was quarantined (its served definition is not the pinned one): the boundary owner and the tool's owner. */
    void quarantined(String kind, String upstream, String exposed, String reason) {
        alerts.quarantined(kind, upstream, exposed, reason, config.get().environmentNames(),
                "tool".equals(kind) ? toolTeamOr(exposed, upstream) : upstreamTeam(upstream));
    }

    private String toolTeamOr(String exposed, String upstream) {
        String t = toolTeam(exposed);
        return t != null ? t : upstreamTeam(upstream);
    }

    private String boundaryTeam() {
        ReadinessConfig.BoundaryOwner o = config.get().readiness().boundaryOwner();
        return o == null ? null : o.team();
    }

    private ApprovalsConfig.Webhook hookOf(String team) {
        return config.get().readiness().oncallOf(team).map(ReadinessConfig.OnCall::webhook).orElse(null);
    }

    private String upstreamTeam(String upstream) {
        CatalogConfig.UpstreamDefaults d = config.get().catalog().upstreams().get(upstream);
        return d == null ? null : team(d.owner());
    }

    private String toolTeam(String tool) {
        io.portcullis.catalog.ToolSpec t = config.get().catalog().tools().get(tool);
        return t == null ? null : team(t.owner());
    }

    private static String team(Owner o) {
        return o == null ? null : o.team();
    }

    @Override
    public void close() {
        alerts.close();
    }
}
