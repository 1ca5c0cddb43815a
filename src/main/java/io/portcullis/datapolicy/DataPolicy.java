package io.portcullis.datapolicy;

import io.portcullis.audit.AuditConfig;
import io.portcullis.catalog.Oversize;
import io.portcullis.config.GatewayConfig;
import io.portcullis.egress.Action;
import io.portcullis.egress.EgressConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * #13 item 7 (C5.4): the data-handling document of one environment, derived from the config the
 * gateway enforces, not declared beside it: which classes of sensitive data are removed or masked
 * before a result reaches the model (so they never enter its conversation history), per tool; which
 * pass with only a label; the size limit of each tool's results (C5.3); what the audit log keeps
 * and for how long (C4.2). {@code portcullis data-policy} prints it; the readiness lines C5.1–C5.4
 * are evaluated from it.
 *
 * @param environment the environment's name
 * @param production  whether it is marked production
 * @param scanned     whether the egress control scans results ({@code egress.enabled})
 * @param classes     the classes in force and what each becomes in this environment when no
 *                    upstream or tool setting says otherwise
 * @param tools       per tool (or group of tools): its result limit and the classes it treats
 *                    differently from {@code classes}
 * @param maskKeep    how many characters {@code mask} keeps
 * @param audit       what the audit log keeps of a call, and for how long
 */
public record DataPolicy(String environment, boolean production, boolean scanned, Map<String, Action> classes,
                         List<ToolRule> tools, int maskKeep, Audit audit) {

    /**
     * A tool as the document lists it.
     *
     * @param name     the exposed name, or a pattern such as {@code crm__*} standing for a group of tools
     * @param upstream the upstream that serves it, or null for a pattern that may span upstreams
     * @param maxResultBytes its result limit, or {@link #PER_TOOL} for a pattern whose tools have their own
     */
    public record Tool(String name, String upstream, long maxResultBytes, Oversize onOversize) {
        public static final long PER_TOOL = -1;
    }

    /** A tool and the classes whose action for it differs from the environment's (class → action). */
    public record ToolRule(Tool tool, Map<String, Action> overrides) {}

    /**
     * What the audit log keeps (C4.1, C4.2).
     *
     * @param retention     how long records of this environment are kept; null: forever
     * @param pruneInterval how often retention is applied
     * @param maskFields    argument keys masked besides the built-in secret names
     * @param maxValueChars argument strings longer than this are cut and hashed
     */
    public record Audit(Duration retention, Duration pruneInterval, List<String> maskFields, int maxValueChars) {}

    /** One thing that keeps the document from answering what C5.1–C5.4 ask, and the config that fixes it. */
    public record Gap(String what, String fix) {}

    public DataPolicy {
        classes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(classes));
        tools = List.copyOf(tools);
    }

    /** The document for {@code environment}, listing {@code tools} (those enabled there). */
    public static DataPolicy derive(GatewayConfig config, String environment, List<Tool> tools) {
        EgressConfig e = config.egress();
        boolean production = config.environment(environment).map(x -> x.production()).orElse(false);
        Map<String, Action> classes = new LinkedHashMap<>();
        List<ToolRule> rules = new ArrayList<>();
        if (e.enabled()) {
            for (String cls : e.classes()) {
                classes.put(cls, e.actions().of(cls, environment, null, null));
            }
            for (Tool t : tools) {
                Map<String, Action> over = new TreeMap<>();
                for (Map.Entry<String, Action> c : classes.entrySet()) {
                    Action a = e.actions().of(c.getKey(), environment, t.name(), t.upstream());
                    if (a != c.getValue()) {
                        over.put(c.getKey(), a);
                    }
                }
                rules.add(new ToolRule(t, over));
            }
        } else {
            tools.forEach(t -> rules.add(new ToolRule(t, Map.of())));
        }
        AuditConfig a = config.audit();
        Audit audit = new Audit(a.retentionOf(environment).orElse(null), a.pruneInterval(), a.maskFields(), a.maxValueChars());
        return new DataPolicy(environment, production, e.enabled(), classes, rules, e.maskKeep(), audit);
    }

    /** Whether the action keeps the value from reaching the model: removed, masked, replaced or the whole result withheld. */
    public static boolean excludes(Action a) {
        return a != Action.LABEL;
    }

    /** The action for a class in a tool's results. */
    public Action actionFor(String classId, ToolRule tool) {
        return tool.overrides().getOrDefault(classId, classes.get(classId));
    }

    /**
     * The classes that reach the model (action {@code label}) and where: "every tool" or the tools.
     * Empty when every class in force is excluded everywhere.
     */
    public Map<String, List<String>> reachingTheModel() {
        Map<String, List<String>> out = new TreeMap<>();
        for (String cls : classes.keySet()) {
            List<String> where = new ArrayList<>();
            for (ToolRule t : tools) {
                if (!excludes(actionFor(cls, t))) {
                    where.add(t.tool().name());
                }
            }
            if (!excludes(classes.get(cls))) {
                out.put(cls, tools.isEmpty() || where.size() == tools.size() ? List.of("every tool") : where);
            } else if (!where.isEmpty()) {
                out.put(cls, where);
            }
        }
        return out;
    }

    /** The classes excluded from every result in this environment, by the action the environment gives them. */
    public Map<String, List<String>> excludedByAction() {
        Map<String, List<String>> out = new TreeMap<>();
        Map<String, List<String>> reaching = reachingTheModel();
        classes.forEach((cls, a) -> {
            if (excludes(a)) {
                out.computeIfAbsent(a.word(), k -> new ArrayList<>()).add(cls + (reaching.containsKey(cls) ? " (except "
                        + String.join(", ", reaching.get(cls)) + ")" : ""));
            }
        });
        return out;
    }

    /** The secret classes ({@code secret.*}) that reach the model somewhere: C5.1 says they must never be returned. */
    public Map<String, List<String>> secretsReachingTheModel() {
        Map<String, List<String>> out = new TreeMap<>();
        reachingTheModel().forEach((cls, where) -> {
            if (cls.startsWith("secret.")) {
                out.put(cls, where);
            }
        });
        return out;
    }

    /**
     * What keeps this document from stating what is excluded from conversation history and how long
     * the audit log keeps what it records (C5.4); empty when it states both.
     */
    public List<Gap> gaps() {
        List<Gap> out = new ArrayList<>();
        if (!scanned) {
            out.add(new Gap("egress scanning is turned off (egress.enabled: false): nothing is removed from results "
                    + "before they reach the model", "egress:\n  enabled: true"));
        } else if (classes.isEmpty()) {
            out.add(new Gap("no egress detector is in force (every class disabled): nothing is defined as sensitive",
                    "egress:\n  disable: []   # keep the built-in detectors on (docs/egress.md)"));
        }
        if (audit.retention() == null) {
            out.add(new Gap("no audit retention for " + environment + ": the audit log keeps its records forever",
                    "audit:\n  retention: {" + environment + ": 400d}   # or default_retention: 90d"));
        }
        return out;
    }

    /** A duration as config writes it: 30d, 1h, 15m, 10s. */
    public static String human(Duration d) {
        long secs = d.toSeconds();
        if (secs % 86_400 == 0 && secs > 0) {
            return secs / 86_400 + "d";
        }
        if (secs % 3600 == 0 && secs > 0) {
            return secs / 3600 + "h";
        }
        return secs % 60 == 0 && secs > 0 ? secs / 60 + "m" : secs + "s";
    }
}
