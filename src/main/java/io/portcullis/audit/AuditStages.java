package io.portcullis.audit;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import java.time.Duration;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two places the audit log sits in the pipeline (C4.1, C4.2); their positions are written in
 * {@code Chains.toolCall} (root package).
 * <ul>
 *   <li>{@link Outcome} wraps every later stage: whatever happens below it (a result, a refusal by
 *       any control, an upstream failure, a crash) becomes one record, and the client is answered
 *       only once that record is durable. If it cannot be written the call is refused (control
 *       {@code audit}).</li>
 *   <li>{@link Intent} is the last stage before the upstream call: reaching it means every control
 *       allowed the call. For a call that is not read-only it makes the intent durable first; if
 *       that fails the upstream is never called.</li>
 * </ul>
 */
final class AuditStages {
    private AuditStages() {}

    static final class Outcome implements Stage {
        private final AuditLog log;
        private final String kind;

        /** @param kind {@code call}, or {@code task_result} for a task's result fetched later */
        Outcome(AuditLog log, String kind) {
            this.log = log;
            this.kind = kind;
        }

        @Override
        public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
            ObjectNode result = null;
            GatewayException failure = null;
            RuntimeException crash = null;
            call.trail().recordCarries(); // #13 item 4, session 9: controls' writes may commit with this record
            try {
                result = next.handle(call);
            } catch (GatewayException e) {
                failure = e;
            } catch (RuntimeException e) {
                crash = e;
            }
            // #21 item 5: if the record is not durable in time, the client is refused by the audit control,
            // and a record that lands later must say that, not what was decided before
            // the refusal's record is built only if the wait is given up (#20 item 3), with the call's end as now
            java.time.Instant ended = java.time.Instant.now();
            io.portcullis.call.WithRecord work = call.trail().withRecord();
            Exception rejected = log.recordOrRefuse(log.records().outcome(kind, call, result, failure, crash, ended),
                    () -> log.records().outcome(kind, call, null, AuditLog.auditRefusal(false), null, ended), call, work);
            if (rejected != null) {
                // the store rejected only the work (the conversation's rows): the control says what the call gets now
                GatewayException.Refused instead = work.rejected(rejected);
                if (instead != null) {
                    result = null;
                    failure = instead;
                    crash = null;
                }
                log.recordOrRefuse(log.records().outcome(kind, call, result, failure, crash, ended),
                        () -> log.records().outcome(kind, call, null, AuditLog.auditRefusal(false), null, ended), call);
            }
            if (failure != null) {
                throw failure;
            }
            if (crash != null) {
                throw crash;
            }
            return result;
        }

        @Override
        public String name() {
            return "audit";
        }

        @Override
        public java.util.List<String> checklist() {
            return java.util.List.of("C4.1", "C4.3");
        }
    }

    static final class Intent implements Stage {
        private final AuditLog log;

        Intent(AuditLog log) {
            this.log = log;
        }

        @Override
        public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
            if (Risk.needsIntent(call)) {
                // an intent abandoned by a timeout is not written: the upstream is never called, and the
                // outcome stage records the refusal the client gets
                log.recordOrRefuse(log.records().intent(call), null, call);
            }
            long t0 = System.nanoTime();
            try {
                return next.handle(call);
            } finally {
                call.trail().upstreamTime(Duration.ofNanos(System.nanoTime() - t0));
            }
        }

        @Override
        public String name() {
            return "audit-intent";
        }

        @Override
        public java.util.List<String> checklist() {
            return java.util.List.of("C4.2");
        }
    }
}
