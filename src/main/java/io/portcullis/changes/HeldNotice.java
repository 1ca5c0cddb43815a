package io.portcullis.changes;

import io.portcullis.readiness.Report;
import java.util.List;
import java.util.Optional;

/**
 * #15 item 4: the readiness report says when this node holds a widening config change and runs on the
 * last approved config (C7.2's evidence, in the environments the change widens). When the held change
 * cannot be read from the store, every environment says that a change is held and its details cannot be read.
 */
public final class HeldNotice {
    private HeldNotice() {}

    public static Report on(Report report, ChangeControl control) {
        Optional<String> id = control.waiting();
        if (id.isEmpty()) {
            return report;
        }
        List<String> all = report.environments().stream().map(Report.EnvironmentReport::name).toList();
        try {
            Optional<ChangeControl.Held> h = control.show(id.get());
            if (h.isPresent()) {
                ChangeControl.Held held = h.get();
                return report.withHeldChange(held.environments(), "config change " + held.id() + " (author "
                        + (held.author() == null ? held.fileOwner() : held.author()) + ", held " + held.heldAt() + ") widens "
                        + held.environments() + " and is HELD for review: " + held.approvers().size() + " of " + held.quorum()
                        + " approval(s); the gateway runs on the last approved config (portcullis changes show " + held.id() + ")");
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            return report.withHeldChange(all, "config change " + id.get() + " is HELD for review; the gateway runs on the last "
                    + "approved config (the held change cannot be read: " + e.getMessage() + ")");
        }
        return report.withHeldChange(all, "config change " + id.get() + " is HELD for review; the gateway runs on the last approved config");
    }
}
