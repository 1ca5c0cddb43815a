package io.portcullis.audit;

import io.portcullis.call.CallContext;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import io.portcullis.redact.Sanitizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * #20 item 3: the audit's share of one call's CPU on the calling thread, measured by the thread's
 * CPU time (a shared, overloaded machine makes the wall clock measure the wait for a core): the
 * outcome record of a call whose argument and result are the benchmark's 2 KB message, built
 * (sanitized) and encoded (canonical text and search columns) as {@code AuditStages.Outcome} does.
 * Until #20 item 3 each call did this twice (the record as decided and the record if refused).
 * Not a test, not JMH. Run (after {@code mvn -B package}):
 * {@code java -cp target/test-classes:target/portcullis-0.1.0-SNAPSHOT.jar io.portcullis.audit.AuditRecordCpuTime}
 */
public final class AuditRecordCpuTime {
    private AuditRecordCpuTime() {}

    public static void main(String[] args) {
        StringBuilder b = new StringBuilder("portcullis-bench"); // bench/src/.../Target.message(2048)
        String words = " the gateway relays this plain benchmark text back unchanged";
        while (b.length() < 2048) {
            b.append(words, 0, Math.min(words.length(), 2048 - b.length()));
        }
        CallRecords records = new CallRecords("node-1", Sanitizer.forRecords(List.of(), 2000));
        CallContext call = AuditFixture.call("default", "anonymous", AuditFixture.tool("http__echo", true),
                Json.object().put("message", b.toString()), Origin.NONE);
        ObjectNode result = AuditFixture.text(b.toString());
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < 6; round++) {
            int n = 20_000;
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += AuditWriter.Encoded.of(records.outcome(call, result, null, null)).rec().length();
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            System.out.printf("round %d: %.2f µs CPU per outcome record built and encoded%n", round, (t1 - t0) / 1000.0 / n);
        }
        System.out.println(sink > 0 ? "" : "?");
    }
}
