package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.approval.ApprovalRequest;
import io.portcullis.approval.ApprovalWait;
import io.portcullis.ingress.GatewayTask.Outcome;
import io.portcullis.ingress.detached.DetachedCall;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.policy.Effect;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import io.portcullis.protocol.ProtocolVersion;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Approval waits as 2025-11-25 tasks: a task-augmented {@code tools/call} (it carries
 * {@code params.task}) runs as a {@link DetachedCall} (#12 item 5), this class its task adapter; if it has to wait for an approval, the client is
 * answered at once with a task of the gateway's own ({@link GatewayTask}) while the call waits for
 * the decision (up to the approval request's expiry), runs the rest of the pipeline and the
 * upstream once, and its result (or refusal) becomes the task's. A call that needs no approval
 * answers as it would have: its upstream's task, or its result. Serves {@code tasks/get},
 * {@code tasks/result}, {@code tasks/cancel} and {@code tasks/list} for the gateway's own tasks.
 */
final class TaskCalls {
    private static final Logger LOG = LoggerFactory.getLogger(TaskCalls.class);
    private static final String RELATED_TASK = "io.modelcontextprotocol/related-task";

    private final Gateway gateway;
    private final GatewayTasks tasks;

    TaskCalls(Gateway gateway, GatewayTasks tasks) {
        this.gateway = gateway;
        this.tasks = tasks;
    }

    /** Whether the policy has any {@code require_approval} rule: only then can a call become a gateway task. */
    boolean approvalsConfigured() {
        return gateway.config().policy().rules().stream().anyMatch(r -> r.effect() == Effect.REQUIRE_APPROVAL);
    }

    /**
     * Whether this call may become a gateway task: a 2025-11-25 session, {@code params.task} given,
     * approvals configured, and a tool whose upstream does not require tasks (such a call keeps the
     * client's {@code task} for the upstream, and waits for an approval as an ordinary call).
     */
    boolean eligible(ClientSession s, ObjectNode params) {
        if (s.version() != ProtocolVersion.V2025_11_25 || !(params.get("task") instanceof ObjectNode) || !approvalsConfigured()) {
            return false;
        }
        var tool = gateway.catalog().tool(params.path("name").asString(""));
        return tool.isEmpty() || !"required".equals(tool.get().definition().path("execution").path("taskSupport").asString(""));
    }

    /**
     * Runs the call as a {@link DetachedCall} (#12 item 5); answers with its result, or with a
     * {@code CreateTaskResult} of a gateway task as soon as the call starts waiting for an
     * approval (the approval workflow tells through the {@link ApprovalWait} registered for the
     * call, never through the relay).
     *
     * @param contexts builds the call's context around the relay it is given
     */
    ObjectNode call(ClientSession s, Message msg, Outbound out, Function<Relay, CallContext> contexts) throws GatewayException {
        TaskRelay relay = new TaskRelay(new SessionRelay(s, out, msg.id()));
        CallContext call = contexts.apply(relay);
        DetachedCall<Outcome> detached = new DetachedCall<>(s.key(), tasks.ticker());
        ApprovalWait becomeTask = pending -> open(s, msg, call, relay, detached, pending);
        detached.start("task-call-" + call.callId(), () -> {
            try (var listening = gateway.approvals().onWait(call.callId(), becomeTask)) {
                return run(call);
            }
        }, e -> new Outcome(null, null, e));
        try {
            DetachedCall.Event<Outcome> first = detached.await();
            GatewayTask t = relay.task();
            if (t != null) { // once a task was opened, the client is answered with it, even if the call ended since
                ObjectNode r = Json.object();
                r.set("task", t.describe(null));
                return r;
            }
            if (!(first instanceof DetachedCall.Event.Finished<Outcome> done)) {
                throw new IllegalStateException("a call that opened no task ended without its outcome");
            }
            Outcome o = done.result();
            if (o.failure() != null) {
                throw o.failure();
            }
            if (o.crash() != null) {
                throw o.crash();
            }
            return o.result();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException.Refused("gateway", "interrupted while the call ran");
        } finally {
            relay.done();
        }
    }

    private Outcome run(CallContext call) {
        try {
            return new Outcome(gateway.pipeline().call(call), null, null);
        } catch (GatewayException e) {
            return new Outcome(null, e, null);
        } catch (RuntimeException e) {
            LOG.error("internal error serving tools/call", e);
            return new Outcome(null, null, e);
        }
    }

    /** The approval workflow is about to wait: the call becomes a task, unless the task limits say no. */
    private boolean open(ClientSession s, Message msg, CallContext call, TaskRelay relay, DetachedCall<Outcome> detached,
                         ApprovalWait.Pending pending) {
        if (relay.task() != null) {
            return true; // already a task (a second wait of the same call)
        }
        String approval = pending.approvalId();
        Optional<GatewayTask> opened = tasks.open(s, detached, msg.params().path("task").get("ttl"), approval,
                pending.statusMessage());
        if (opened.isEmpty()) {
            LOG.info("session {}: too many gateway tasks; call {} waits for approval {} as an ordinary call",
                    s.id(), call.callId(), approval);
            return false;
        }
        GatewayTask t = opened.get();
        call.trail().gatewayTask(t.id());
        call.trail().note("became gateway task " + t.id() + " while waiting for approval " + approval);
        // closing the session ends the wait (nobody else may read the task)
        s.inFlight.put(cancelKey(t), t::cancel);
        detached.onEnd(() -> {
            s.inFlight.remove(cancelKey(t));
            LOG.info("session {}: gateway task {} is {}", s.id(), t.id(), t.status().id());
        });
        relay.detach(t);
        LOG.info("session {}: call {} became gateway task {} waiting for approval {}", s.id(), call.callId(), t.id(), approval);
        detached.interim(); // the request is answered with the task now
        return true;
    }

    /** A key of the session's in-flight map no JSON-RPC request id can have (those are JSON texts). */
    private static String cancelKey(GatewayTask t) {
        return "task:" + t.id();
    }

    /** {@code tasks/get}, {@code tasks/result}, {@code tasks/cancel} of a gateway task of this session; empty for any other task id. */
    Optional<ObjectNode> serve(ClientSession s, Message msg) throws ProtocolException {
        Optional<GatewayTask> found = tasks.find(s, msg.params().path("taskId").asString(""));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        GatewayTask t = found.get();
        return Optional.of(switch (msg.method()) {
            case "tasks/get" -> t.describe(live(t));
            case "tasks/cancel" -> {
                if (!t.cancel()) {
                    throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "Cannot cancel task in terminal status: " + t.status().id());
                }
                s.inFlight.remove(cancelKey(t));
                LOG.info("session {}: gateway task {} cancelled by the client", s.id(), t.id());
                yield t.describe(null);
            }
            default -> result(s, msg, t);
        });
    }

    /** The session's gateway tasks, for {@code tasks/list}. */
    void list(ClientSession s, ArrayNode into) {
        tasks.list(s).forEach(t -> into.add(t.describe(live(t))));
    }

    /** While working: what the approval says now, when it is no longer pending (the call then runs). */
    private String live(GatewayTask t) {
        if (t.status() != GatewayTask.Status.WORKING) {
            return null;
        }
        try {
            ApprovalRequest r = gateway.approvals().find(t.approvalId()).orElse(null);
            if (r != null && (r.status() == ApprovalRequest.Status.APPROVED || r.status() == ApprovalRequest.Status.USED)) {
                return "approval " + t.approvalId() + " was given; the call is running";
            }
        } catch (Exception e) {
            LOG.debug("approval {} could not be read for task {}: {}", t.approvalId(), t.id(), e.toString());
        }
        return null;
    }

    /** Waits for the task to end (or the client to cancel this request) and answers with its result. */
    private ObjectNode result(ClientSession s, Message msg, GatewayTask t) throws ProtocolException {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        String key = msg.id() == null ? null : msg.id().toString();
        if (key != null) {
            s.inFlight.put(key, () -> stop.complete(null));
        }
        ObjectNode outcome;
        try {
            CompletableFuture.anyOf(t.outcome(), stop).get();
            outcome = t.outcome().getNow(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = null;
        } catch (ExecutionException e) {
            outcome = null;
        } finally {
            if (key != null) {
                s.inFlight.remove(key);
            }
        }
        if (outcome == null) {
            throw new ProtocolException(ErrorCodes.INTERNAL_ERROR, "tasks/result was cancelled before task " + t.id() + " ended");
        }
        if (outcome.get("error") instanceof ObjectNode e) {
            JsonNode data = e.get("data");
            throw new ProtocolException(e.path("code").asInt(ErrorCodes.INTERNAL_ERROR), e.path("message").asString(""), data);
        }
        ObjectNode result = ((ObjectNode) outcome.get("result")).deepCopy();
        ObjectNode meta = result.get("_meta") instanceof ObjectNode m ? m : result.putObject("_meta");
        meta.putObject(RELATED_TASK).put("taskId", t.id());
        return result;
    }
}
