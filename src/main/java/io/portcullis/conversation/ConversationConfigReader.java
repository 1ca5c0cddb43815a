package io.portcullis.conversation;

import io.portcullis.settings.Fields;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Reads the {@code conversation:} section (#13 items 4, 5); every problem with its file and line. See docs/chains.md. */
public final class ConversationConfigReader {
    private ConversationConfigReader() {}

    public static ConversationConfig read(Fields f, JsonNode n) {
        String p = "/conversation";
        if (!f.isObject(n, p, "'conversation'")) {
            return ConversationConfig.OFF;
        }
        f.onlyKeys(n, p, Set.of("enabled", "window", "key", "chain_rules", "approvers", "max_tools", "max_call_ids", "count_calls"));
        ConversationConfig d = ConversationConfig.OFF;
        boolean enabled = f.bool(n, "enabled", p, false);
        Duration window = f.duration(n, "window", p, d.window());
        if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(90)) > 0) {
            f.problem(p + "/window", "'window' must be between 1m and 90d");
        }
        String key = f.string(n, "key", p, "principal");
        if (!key.equals("principal") && !key.equals("principal+request")) {
            f.problem(p + "/key", "'key' must be principal or principal+request");
        }
        String rules = f.string(n, "chain_rules", p, "none");
        if (!rules.equals("none") && !rules.equals("default")) {
            f.problem(p + "/chain_rules", "'chain_rules' must be none or default");
        }
        if (rules.equals("default") && !enabled) {
            f.problem(p + "/chain_rules", "'chain_rules: default' needs 'enabled: true': without the memory the rules never see a label");
        }
        List<String> approvers = n.has("approvers") ? f.strings(n, "approvers", p) : d.approvers();
        if (approvers.isEmpty()) {
            f.problem(p + "/approvers", "'approvers' must name at least one role");
        }
        int maxTools = (int) f.integer(n, "max_tools", p, d.maxTools(), 1, 1000);
        int maxIds = (int) f.integer(n, "max_call_ids", p, d.maxCallIds(), 1, 20);
        String count = f.string(n, "count_calls", p, "when_read");
        if (!count.equals("when_read") && !count.equals("every_call")) {
            f.problem(p + "/count_calls", "'count_calls' must be when_read or every_call");
        }
        return new ConversationConfig(enabled, window, key.equals("principal+request"), rules.equals("default"), approvers,
                maxTools, maxIds, count.equals("every_call"));
    }
}
