package io.portcullis.policy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules that can concern a tool in an environment: those whose {@link Target} admits it, in
 * config order. Worked out once per (tool, environment) and cached, so a decision walks the few
 * rules about the tool at hand instead of all of them. The cache only ever holds answers that
 * follow from the immutable rules, so it never changes a decision; it stops growing at
 * {@link #MAX_CACHED} entries (tools × environments of a very large catalog), after which the
 * answer is simply computed each time.
 */
final class Candidates {
    static final int MAX_CACHED = 100_000;

    private record Key(String name, String upstream, String risk, String env) {}

    private final List<CompiledRule> rules;
    private final Set<String> productionEnvironments;
    private final ConcurrentHashMap<Key, CompiledRule[]> cache = new ConcurrentHashMap<>();

    Candidates(List<CompiledRule> rules, Set<String> productionEnvironments) {
        this.rules = List.copyOf(rules);
        this.productionEnvironments = Set.copyOf(productionEnvironments);
    }

    boolean production(String env) {
        return productionEnvironments.contains(env);
    }

    CompiledRule[] of(ToolFacts tool, String env) {
        Key key = new Key(tool.name(), tool.upstream(), tool.riskClass(), env);
        CompiledRule[] found = cache.get(key);
        if (found == null) {
            boolean production = production(env);
            found = rules.stream().filter(r -> r.target().admits(tool, env, production)).toArray(CompiledRule[]::new);
            if (cache.size() < MAX_CACHED) {
                cache.putIfAbsent(key, found);
            }
        }
        return found;
    }

    List<CompiledRule> all() {
        return rules;
    }
}
