package io.portcullis.changelog;

import io.portcullis.audit.AuditLog;
import io.portcullis.pin.Pins;
import io.portcullis.protocol.Json;
import io.portcullis.readiness.ConfigChanges;
import java.util.Collection;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 6 (C7.3), "each entry is also an audit record, so it is tamper-evident": the changelog's
 * {@code config}, {@code pin} and {@code quarantine} entries (rows of {@code config_changes} and {@code pins})
 * are also written as audit records of those kinds, one in each environment's chain, as {@code kill_switch}
 * and {@code pin_review} are, so {@code portcullis audit verify} proves them; {@link Changelog} attaches the
 * record's chain reference to the entry. A record that cannot be made durable is logged as an AUDIT
 * FAILURE (the change itself has happened; the changelog entry then has no reference, which shows it).
 */
public final class ChangeRecords {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeRecords.class);

    private final AuditLog audit;
    private final Supplier<Collection<String>> environments;

    private ChangeRecords(AuditLog audit, Supplier<Collection<String>> environments) {
        this.audit = audit;
        this.environments = environments;
    }

    /** Makes every pin, quarantine and recorded config from now on an audit record in each of {@code environments}. */
    public static void attach(AuditLog audit, Pins pins, ConfigChanges configs, Supplier<Collection<String>> environments) {
        ChangeRecords r = new ChangeRecords(audit, environments);
        pins.onChange(r::pinChanged);
        configs.onRecorded(r::configRecorded);
    }

    private void pinChanged(String event, String id, String kind, String upstream, String exposed, String hash, String by, String what) {
        ObjectNode detail = Json.object().put("id", id).put("kind", kind).put("upstream", upstream).put("exposed", exposed)
                .put("hash", hash).put("what", what);
        write(event, by == null ? "portcullis" : by, event.equals("pin") ? "pinned" : "quarantined",
                "tool".equals(kind) ? exposed : null, detail);
    }

    private void configRecorded(String hash, String source, String summary) {
        write("config", "portcullis", "applied", null, Json.object().put("hash", hash).put("source", source).put("summary", summary));
    }

    private void write(String kind, String subject, String outcome, String tool, ObjectNode detail) {
        try {
            audit.adminAction(kind, subject, outcome, tool, detail, environments.get());
        } catch (Exception e) {
            LOG.error("AUDIT FAILURE: the {} record ({}) is not durable: {}", kind, detail, e.toString());
        }
    }
}
