package io.portcullis.upstream;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything one connection of an {@link Upstream} reads (#12 item 4: what the upstream sends,
 * apart from what the gateway sends it): answers go to the waiting call, the upstream's own
 * requests (sampling, elicitation, roots) are served, notifications are routed to the call they
 * belong to or to the listener, and a lost connection ends the calls in flight at once.
 */
final class Inbound implements Connection.Sink {
    /** The upstream's logger: operators read these lines under the upstream's name. */
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final Upstream up;
    /** This connection's own latch: a late report from an earlier connection cannot end a newer one. */
    private final CountDownLatch down;

    Inbound(Upstream up, CountDownLatch down) {
        this.up = up;
        this.down = down;
    }

    private String name() {
        return up.name();
    }

    @Override
    public void receive(ObjectNode raw, Long relatedId) {
        Message msg;
        try {
            msg = Message.of(raw);
        } catch (ProtocolException e) {
            LOG.warn("upstream {} sent an invalid message ({}); ignored", name(), e.getMessage());
            return;
        }
        switch (msg.kind()) {
            case RESPONSE -> up.calls.answer(msg, name());
            case REQUEST -> Thread.ofVirtual().start(() -> serveRequest(msg, relatedId));
            case NOTIFICATION -> notification(msg, relatedId);
        }
    }

    @Override
    public void requestFailed(long requestId, String why) {
        up.calls.fail(requestId, new GatewayException.UpstreamFailure("upstream", name(), "upstream " + name() + ": " + up.config.scrub(why)));
    }

    @Override
    public void requestRefused(long requestId, int status, String body, String why) {
        up.calls.fail(requestId, new Calls.HttpRefusal(status, body, "upstream " + name() + ": " + up.config.scrub(why)));
    }

    @Override
    public void violation(String why) {
        up.health.unanswered();
        up.calls.failClientCalls(name(), up.config.scrub(why));
    }

    @Override
    public void sent(long requestId) {
        up.calls.reached(requestId);
    }

    /** #21 item 7: an answer cut off at the bounded read is the result limit's refusal, at once. */
    @Override
    public void tooLarge(long requestId, long limit) {
        up.calls.fail(requestId, new GatewayException.Refused("result-limit", "the upstream's answer is over the gateway's "
                + "bound of " + limit + " bytes for one message; it was cut off unread"));
    }

    @Override
    public void closed(String reason) {
        String why = up.config.scrub(reason);
        up.lastError = why;
        LOG.warn("upstream {} connection lost: {}", name(), why);
        // calls in flight (the handshake too) end now, not at their timeouts
        up.calls.failAll(name(), "upstream " + name() + " connection lost: " + why);
        down.countDown();
    }

    private void serveRequest(Message msg, Long relatedId) {
        io.portcullis.tracing.Tracing tracing = io.portcullis.tracing.Tracing.current();
        if (tracing.on() && msg.method() != null && switch (msg.method()) {
            case "roots/list", "ping", "sampling/createMessage", "elicitation/create" -> true;
            default -> false;
        }) {
            // #18 item 2 (session 9): a request the gateway answers itself is a SERVER span, in the trace of the call it belongs
            // to; session 10: one it relays to the client too (sampling, elicitation), the relay's CLIENT span its child
            tracing.fromUpstream(msg.method(), msg.params(), up.calls.traceFor(msg, relatedId), name(), () -> answer(msg, relatedId));
        } else {
            answer(msg, relatedId);
        }
    }

    private ObjectNode answer(Message msg, Long relatedId) {
        UpstreamConfig config = up.config;
        boolean roots = "roots/list".equals(msg.method());
        ObjectNode answer = ServerRequests.answer(name(), msg, roots ? null : up.calls.relayFor(relatedId), config.roots());
        try {
            Connection c = up.connection;
            if (c != null) {
                c.send(answer, null);
            }
        } catch (IOException e) {
            LOG.debug("could not answer upstream {}: {}", name(), e.getMessage());
        }
        if (roots) {
            // recorded after the answer: serving the configured roots narrows the server, so it is not held up
            LOG.info("upstream {}: roots/list answered from config ({}): {}", name(), config.roots().source(), config.roots().uris());
            up.listener.rootsServed(up, config.roots());
        }
        return answer;
    }

    private void notification(Message msg, Long relatedId) {
        io.portcullis.tracing.Tracing tracing = io.portcullis.tracing.Tracing.current();
        if (!tracing.on()) {
            route(msg, relatedId);
            return;
        }
        // #18 item 2 (session 9): a SERVER span for its handling, in the trace of the call it belongs to; what reaches
        // the client carries the span's context in _meta (TraceContext.messageWithMeta)
        tracing.fromUpstream(msg.method(), msg.params(), up.calls.traceFor(msg, relatedId), name(), () -> {
            route(msg, relatedId);
            return null;
        });
    }

    private void route(Message msg, Long relatedId) {
        String method = msg.method();
        switch (method) {
            case "notifications/progress" -> up.calls.progress(msg);
            case "notifications/message" -> {
                // #11 item 21: over HTTP a message off every call's stream (the GET stream) is tied to no call; over
                // stdio it is when no client's call is in flight. Those go to the sessions of this upstream.
                boolean untied = up.config.transport() == UpstreamConfig.Transport.HTTP ? relatedId == null : !up.calls.clientCallsInFlight();
                Relay relay = untied ? null : up.calls.relayFor(relatedId);
                if (relay != null) {
                    relay.notify(io.portcullis.tracing.TraceContext.messageWithMeta(msg.node()));
                } else if (untied) {
                    up.listener.notification(up, io.portcullis.tracing.TraceContext.messageWithMeta(msg.node()));
                } else {
                    // calls of several clients in flight over stdio: whose it is cannot be known, so nobody gets it
                    LOG.debug("upstream {} log (not attributable to one client, not relayed): {}", name(), msg.params());
                }
            }
            case "notifications/tools/list_changed", "notifications/prompts/list_changed",
                 "notifications/resources/list_changed" -> Thread.ofVirtual().start(up::refreshListing);
            case "notifications/cancelled", "notifications/subscriptions/acknowledged" -> { }
            default -> up.listener.notification(up,
                    io.portcullis.tracing.TraceContext.messageWithMeta(ModernEnvelope.withoutSubscriptionId(msg.node())));
        }
    }
}
