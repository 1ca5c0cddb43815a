package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Message;
import io.portcullis.upstream.UserSessions;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 item 4: what a per-user upstream connection sends tied to no call reaches that user's client
 * sessions alone (the same issuer and subject), never another user's: a change of their listing as
 * {@code notifications/<kind>/list_changed}, a resource update to those of their sessions subscribed
 * to it, a log message (scanned by the egress controls first, #13 item 2) to those that used the
 * upstream, at their level.
 */
public final class UserEventsRelay implements UserSessions.UserEvents {
    private static final Logger LOG = LoggerFactory.getLogger(UserEventsRelay.class);
    private final Gateway gateway;
    private final Sessions sessions;

    public UserEventsRelay(Gateway gateway, Sessions sessions) {
        this.gateway = gateway;
        this.sessions = sessions;
    }

    /** The issuer a principal's per-user connections are keyed by (as the credentials layer keys them). */
    static String issuerOf(Principal p) {
        return p.issuer() != null ? p.issuer() : "auth:" + p.authMethod();
    }

    private Stream<ClientSession> of(UserSessions.Key user) {
        return sessions.all().stream().filter(s -> s.principal() != null && user.subject().equals(s.principal().subject())
                && user.issuer().equals(issuerOf(s.principal())));
    }

    @Override
    public void listChanged(UserSessions.Key user, String kind) {
        // #18 (session 10): the gateway's own notification, a CLIENT span
        io.portcullis.tracing.Tracing.current().own(Message.notification("notifications/" + kind + "/list_changed", null),
                msg -> of(user).forEach(s -> s.events.append(LegacyStreams.GET, msg)));
    }

    @Override
    public void notification(UserSessions.Key user, String upstream, ObjectNode message) {
        String method = message.path("method").asString("");
        if ("notifications/resources/updated".equals(method)) {
            String uri = message.path("params").path("uri").asString("");
            of(user).filter(s -> s.subscriptions.contains(uri)).forEach(s -> s.events.append(LegacyStreams.GET, message));
        } else if ("notifications/message".equals(method)) {
            ObjectNode clean = io.portcullis.egress.EgressRelay.untied(gateway.config().egress(), upstream, message,
                    found -> LOG.info("upstream {} log message (no call, per-user connection): egress {}", upstream, found));
            if (clean != null) {
                of(user).filter(s -> s.upstreams.contains(upstream) && SessionRelay.wanted(s, clean))
                        .forEach(s -> s.events.append(LegacyStreams.GET, clean));
            }
        }
    }
}
