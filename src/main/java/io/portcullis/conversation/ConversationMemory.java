package io.portcullis.conversation;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.policy.SessionFacts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code conversation} control (#13 items 4–6), placed just before {@code egress}. On the way
 * in it loads what the call's conversation ({@link ConversationKey}) has seen into the trail, so
 * that {@code policy} sees {@code session.labels}, {@code session.tools} and {@code session.calls}
 * (and the chain rules, {@link ChainRules}, can act on them). On the way out it adds to the
 * conversation what the call brought: the classes egress detected, the labels the catalog
 * declares for the tool ({@code produces}, {@code untrusted}), the tool, and the call's audit id;
 * the labels the conversation had and gained go into the audit record. The rows are committed in
 * the transaction of the call's audit outcome record when one is on the path (#13 item 4, session 9:
 * {@link RowsWithRecord}, one commit per call instead of two), else by the memory's own group commit.
 *
 * <p>Fail closed: when the memory cannot be read, a call to a tool labelled {@code egress} is
 * refused naming this control (other tools go on, the failure noted in their record, and what they
 * bring is still recorded); when the
 * labels a result brought cannot be recorded, that result is withheld, since later calls would not
 * know of it. A refused or failed call adds what egress detected in it (a blocked secret was still seen
 * upstream) but not the tool's {@code produces}.
 *
 * <p>The same stage, built by {@link #reads}, sits in the read chains ({@code resources/read},
 * {@code prompts/get}, ...; #13 item 4, the resource part): a read adds what egress detected in its
 * contents or messages and, for {@code resources/read}, the {@code produces} labels the catalog
 * declares for the resource's URI pattern (the admission puts them on the trail). A read sends
 * nothing out, so an unreadable memory refuses no read; a read whose labels cannot be recorded is
 * withheld. A clean read records nothing (it is not counted in {@code session.calls}).
 */
public final class ConversationMemory implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.conversation");
    private final ConversationConfig config;
    private final ConversationStore store;
    private final Clock clock;
    private final boolean reads;
    private final boolean writeCalls;

    /**
     * @param config null or disabled: the stage passes every call on untouched
     * @param store  the memory; null while enabled fails closed (egress tools refused)
     */
    public ConversationMemory(ConversationConfig config, ConversationStore store) {
        this(config, store, false, true);
    }

    /**
     * @param writeCalls whether the call count ({@code session.calls}) is written to the store on every call:
     *                   true when some policy rule may read it ({@code Policy#readsSessionCalls}); else, where the
     *                   memory is served from memory, the count is kept there and written with the row's refresh
     *                   (#13, session 10; docs/chains.md)
     */
    public ConversationMemory(ConversationConfig config, ConversationStore store, boolean writeCalls) {
        this(config, store, false, writeCalls);
    }

    private ConversationMemory(ConversationConfig config, ConversationStore store, boolean reads, boolean writeCalls) {
        this.reads = reads;
        this.writeCalls = writeCalls;
        this.config = config;
        this.store = store;
        this.clock = store == null ? Clock.systemUTC() : store.clock();
    }

    /** The stage of a read chain (#13 item 4): a read's labels join its conversation; no read is refused for an unreadable memory. */
    public static ConversationMemory reads(ConversationConfig config, ConversationStore store) {
        return reads(config, store, true);
    }

    /** The same; {@code writeCalls} as for {@link #ConversationMemory(ConversationConfig, ConversationStore, boolean)}. */
    public static ConversationMemory reads(ConversationConfig config, ConversationStore store, boolean writeCalls) {
        return new ConversationMemory(config, store, true, writeCalls);
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        ConversationConfig cfg = config;
        if (cfg == null || !cfg.enabled()) {
            return next.handle(call);
        }
        String key = ConversationKey.of(call, cfg);
        SessionFacts had;
        try {
            if (store == null) {
                throw new IllegalStateException("no conversation store");
            }
            had = store.load(key, clock.millis(), cfg.window());
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.error("conversation memory could not be read for call {}: {}", call.callId(), e.toString());
            if (!reads && egress(call.tool())) {
                throw new GatewayException.Refused(name(), "the conversation memory could not be read, so a call to "
                        + call.toolName() + " (labelled egress) is refused");
            }
            if (store != null) {
                // what this call brings is still recorded; a result whose labels cannot be recorded is withheld
                call.trail().note("conversation: the memory could not be read; policy saw no session labels; "
                        + "this call's labels are still recorded");
                return around(call, next, SessionFacts.EMPTY, key);
            }
            call.trail().note("conversation: the memory could not be read; policy saw no session labels");
            return next.handle(call);
        }
        call.trail().conversation(had);
        return around(call, next, had, key);
    }

    private ObjectNode around(CallContext call, CallHandler next, SessionFacts had, String key) throws GatewayException {
        ObjectNode result;
        try {
            result = next.handle(call);
        } catch (GatewayException | RuntimeException e) {
            remember(call, had, key, false, e);
            throw e;
        }
        remember(call, had, key, true, null);
        return result;
    }

    /** Adds what the call brought to the conversation; a result whose labels cannot be recorded is withheld. */
    private void remember(CallContext call, SessionFacts had, String key, boolean delivered, Exception failure) throws GatewayException {
        Set<String> labels = new LinkedHashSet<>();
        for (String c : call.trail().detected()) {
            labels.add(c);
            int dot = c.indexOf('.');
            if (dot > 0) {
                labels.add(c.substring(0, dot)); // the family: secret.aws-access-key-id also labels secret
            }
        }
        ToolEntry tool = call.trail().tool();
        if (delivered && tool != null) {
            labels.addAll(tool.produces());
        } else if (delivered && reads) {
            labels.addAll(call.trail().produces()); // the resource's URI pattern's produces, put there by the admission
        }
        if ((!delivered || reads) && labels.isEmpty()) {
            return; // refused before anything came back: the conversation gained nothing, and no tool was called
        }
        List<String> gained = new ArrayList<>();
        labels.forEach(l -> {
            if (!had.labels().containsKey(l)) {
                gained.add(l);
            }
        });
        call.trail().conversationGained(gained);
        String toolName = tool != null && delivered ? tool.name() : null;
        boolean rememberTool = toolName != null && (had.tools().contains(toolName) || had.tools().size() < cfg().maxTools());
        long now = clock.millis();
        if (call.trail().recordCarriesWork()) {
            // #13 item 4, session 9: the rows commit with the call's audit outcome record (one commit, not two)
            ConversationRows rows = store.rows(key, now, cfg().window(), call.callId(), toolName, labels, rememberTool,
                    cfg().maxCallIds(), writeCalls);
            if (!rows.empty()) { // #13, session 10: a call that changes no stored row leaves its record's commit as it was
                call.trail().withRecord(new RowsWithRecord(rows, call, labels, gained, failure == null));
            }
            purge(now);
            return;
        }
        try {
            store.record(key, now, cfg().window(), call.callId(), toolName, labels, rememberTool, cfg().maxCallIds(), writeCalls);
        } catch (java.sql.SQLException | RuntimeException e) {
            GatewayException.Refused withheld = notRecorded(call, labels, gained, failure == null, e);
            if (withheld != null) {
                throw withheld;
            }
        }
    }

    /**
     * The old windows' rows go at most once a minute, on a thread of their own: with no index on
     * last_ms the delete scans the table, which no call should wait for; a failure loses nothing of any call's.
     */
    private void purge(long now) {
        if (!store.purgeDue(now)) {
            return;
        }
        long cutoff = store.cutoff(now, cfg().window());
        Thread.ofVirtual().name("conversation-purge").start(() -> {
            try {
                store.deleteBefore(cutoff);
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.warn("conversation memory could not delete rows past their window: {}", e.toString());
            }
        });
    }

    /**
     * The labels of {@code call} could not be recorded: noted on its trail; the refusal that withholds
     * its result when it was delivered and added labels (later calls would not know of them), else null.
     */
    static GatewayException.Refused notRecorded(CallContext call, java.util.Collection<String> labels, List<String> gained,
                                                boolean delivered, Exception e) {
        LOG.error("conversation memory could not record call {}: {}", call.callId(), e.toString());
        call.trail().note("conversation: the memory could not record this call's labels " + labels);
        if (delivered && !gained.isEmpty()) {
            return new GatewayException.Refused("conversation", "the result was withheld: it adds " + gained
                    + " to the conversation, and the conversation memory could not record that");
        }
        return null;
    }

    private ConversationConfig cfg() {
        return config;
    }

    private static boolean egress(ToolEntry tool) {
        return tool == null || tool.labels().contains("egress");
    }

    /** Whether this stage writes the call count on every call (its snapshot's policy may read session.calls). */
    public boolean writesCalls() {
        return writeCalls;
    }

    @Override
    public String name() {
        return "conversation";
    }
}
