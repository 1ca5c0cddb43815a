package io.portcullis.ingress;

import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import tools.jackson.databind.node.ObjectNode;

/**
 * The relay of a 2025-11-25 client's task-augmented {@code tools/call} that the gateway may turn
 * into a task of its own. Until then it is the request's {@link SessionRelay}. When the approval
 * workflow is about to wait ({@link #awaitingApproval}), it opens the task and completes
 * {@link #handedOff()}: the request thread answers the client with the task at once, and the call
 * goes on in the background. From then on notifications are dropped (the client polls
 * {@code tasks/get}), requests to the client are refused (its request is answered, nothing carries
 * them), and the call's cancel handles belong to the task ({@code tasks/cancel}).
 */
final class TaskRelay implements Relay {
    private final SessionRelay direct;
    private final BiFunction<String, String, Optional<GatewayTask>> opener;
    private final CompletableFuture<GatewayTask> handedOff = new CompletableFuture<>();
    private volatile GatewayTask task;
    private volatile Runnable canceller = () -> { };

    /**
     * @param opener opens the task for (approval id, status message), or empty at the task limits
     *               (the call then waits as an ordinary call)
     */
    TaskRelay(SessionRelay direct, BiFunction<String, String, Optional<GatewayTask>> opener) {
        this.direct = direct;
        this.opener = opener;
    }

    /** Completes with the task once the call became one. */
    CompletableFuture<GatewayTask> handedOff() {
        return handedOff;
    }

    /** The task the call became, or null. */
    GatewayTask task() {
        return task;
    }

    @Override
    public void notify(ObjectNode notification) {
        if (task == null) {
            direct.notify(notification);
        }
    }

    @Override
    public ObjectNode request(String method, ObjectNode params) throws GatewayException {
        if (task != null) {
            throw new GatewayException.Refused("relay", method + " cannot reach the client: this call runs as gateway task "
                    + task.id() + ", whose request was already answered");
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
    public Object owner() {
        return direct.owner();
    }

    @Override
    public boolean awaitingApproval(String approvalId, String statusMessage) {
        if (task != null) {
            return true;
        }
        Optional<GatewayTask> opened = opener.apply(approvalId, statusMessage);
        if (opened.isEmpty()) {
            return false;
        }
        GatewayTask t = opened.get();
        t.canceller(() -> canceller.run());
        task = t;
        handedOff.complete(t);
        return true;
    }

    void done() {
        direct.done();
    }
}
