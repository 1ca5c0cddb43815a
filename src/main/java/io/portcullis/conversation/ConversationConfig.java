package io.portcullis.conversation;

import java.time.Duration;
import java.util.List;

/**
 * The {@code conversation:} section (#13 items 4, 5): whether the gateway remembers what each
 * conversation has seen, for how long, how a conversation is keyed, and whether the shipped chain
 * rules are in force. See docs/chains.md.
 *
 * @param enabled      whether results add labels to their conversation and policy sees them ({@code session.*})
 * @param window       how long a label, a tool and a call stay in the conversation after it was last seen
 * @param byRequest    the key adds the client's user request id ({@code _meta io.portcullis/userRequest}) or trace id
 *                     when present: narrower conversations, which a client that invents request ids can shed
 * @param chainRules   whether the default chain rules ({@link ChainRules}) are added to the policy
 * @param approvers    roles that may approve what the chain rules hold for approval
 * @param maxTools     at most this many distinct tools are remembered per conversation ({@code session.tools})
 * @param maxCallIds   at most this many audit ids are kept per label (the earliest ones), for naming causes
 * @param countEveryCall {@code count_calls: every_call}: the call count is written on every call even when no
 *                     policy rule reads {@code session.calls} (default {@code when_read}; #13, session 10)
 */
public record ConversationConfig(boolean enabled, Duration window, boolean byRequest, boolean chainRules, List<String> approvers,
                                 int maxTools, int maxCallIds, boolean countEveryCall) {

    public static final ConversationConfig OFF = new ConversationConfig(false, Duration.ofHours(24), false, false,
            List.of("approver"), 100, 3);

    public ConversationConfig {
        approvers = List.copyOf(approvers);
    }

    /** The count written only when a rule reads it ({@code count_calls: when_read}). */
    public ConversationConfig(boolean enabled, Duration window, boolean byRequest, boolean chainRules, List<String> approvers,
                              int maxTools, int maxCallIds) {
        this(enabled, window, byRequest, chainRules, approvers, maxTools, maxCallIds, false);
    }
}
