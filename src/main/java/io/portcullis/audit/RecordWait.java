package io.portcullis.audit;

import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.WithRecord;
import io.portcullis.store.Store;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/** How a call waits for its record (C4.1, #21 item 5), taken out of {@link AuditLog}; see {@link AuditLog#recordOrRefuse}. */
final class RecordWait {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.audit");

    private RecordWait() {}

    /**
     * Writes the record (with {@code work} in its transaction, or null) and waits until it is durable;
     * refuses the call (control {@code audit}) otherwise. Returns null once written, or the store's
     * rejection of {@code work} alone (#13 item 4, session 9): then the record was not written and the
     * caller records the outcome again.
     */
    static Exception await(AuditWriter writer, Duration writeTimeout, Store store, ObjectNode rec, Supplier<ObjectNode> ifRefused,
                           CallContext call, WithRecord work) throws GatewayException.Refused {
        String env = rec.path("environment").asString();
        AuditWriter.Pending p = writer.submit(env, AuditWriter.Encoded.of(rec), ifRefused == null ? null
                : () -> AuditWriter.Encoded.of(ifRefused.get()), work);
        long timeout = writeTimeout.toMillis();
        try {
            try {
                p.done().get(timeout, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (p.abandon()) {
                    throw refuse(call, rec, "no durable write within " + timeout
                            + " ms; if the record lands later it records this refusal");
                }
                // the writer is committing it as decided right now: that commit decides the answer
                p.done().get(timeout, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.abandon();
            throw refuse(call, rec, "interrupted while waiting for the audit record");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BatchWork.Rejected r) {
                return (Exception) r.getCause(); // the work alone failed; nothing of this call was written
            }
            p.abandon();
            throw refuse(call, rec, store.describe(e.getCause()));
        } catch (TimeoutException | RuntimeException e) {
            p.abandon();
            throw refuse(call, rec, e.toString());
        }
        return null;
    }

    private static GatewayException.Refused refuse(CallContext call, ObjectNode rec, String why) {
        // one line per interval while the fault lasts (#21 item 9); the writer's line says what the fault is
        AuditWriter.REPEATS.log("refused", more -> LOG.error("AUDIT FAILURE: the {} record of call {} ({}) is not durable, "
                + "the call is refused: {}{}", rec.path("kind").asString(), call.callId(), call.toolName(), why, more));
        return AuditLog.auditRefusal("intent".equals(rec.path("kind").asString()));
    }
}
