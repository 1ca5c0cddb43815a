package io.portcullis.ingress;

import io.portcullis.call.ClientKey;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import tools.jackson.databind.node.ObjectNode;

/**
 * The relay of a 2025-11-25 client's task-augmented {@code tools/call} that the gateway may turn
 * into a task of its own. Until then it is the request's {@link SessionRelay}. Once the call
 * became a task ({@link #detach}, when the approval workflow signalled its wait, see
 * {@link TaskCalls}) notifications are dropped (the client polls {@code tasks/get}), requests to
 * the client are refused (its request is answered, nothing carries them), and the call's cancel
 * handle belongs to the task ({@code tasks/cancel}).
 */
final class TaskRelay implements Relay {
    private final SessionRelay direct;
    private volatile GatewayTask task;
    private volatile Runnable canceller = () -> { };

    TaskRelay(SessionRelay direct) {
        this.direct = direct;
    }

    /** The task the call became, or null. */
    GatewayTask task() {
        return task;
    }

    /** The call became task {@code t}: cancelling the task stops whatever the call waits on. */
    void detach(GatewayTask t) {
        task = t;
        t.call().onCancel(() -> canceller.run());
    }

    @Override
    public void notify(ObjectNode notification) {
        if (task == null) {
            direct.notify(notification);
        }
    }

    @Override
    public ObjectNode request(String method, ObjectNode params) throws GatewayException {
        GatewayTask t = task;
        if (t != null) {
            throw new GatewayException.Refused("relay", method + " cannot reach the client: this call runs as gateway task "
                    + t.id() + ", whose request was already answered");
        }
        return direct.request(method, params);
    }

    @Override
    public void attach(Runnable c) {
        canceller = c;
        if (task == null) {
            direct.attach(c);
        }
    }

    @Override
    public ClientKey owner() {
        return direct.owner();
    }

    @Override
    public void reached(String upstream) {
        direct.reached(upstream);
    }

    void done() {
        direct.done();
    }
}
