package io.portcullis.ratelimit;

import io.portcullis.catalog.RiskClass;
import io.portcullis.identity.Principal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated {@code rate_limits:} section (#14 item 3, C6.3), built only by {@link RateLimitConfigReader}.
 *
 * @param redis        where buckets are shared by every node, or null for in-process buckets (the embedded default)
 * @param fallback     what applies while Redis is unreachable
 * @param environments each environment's limits; an environment that is not here has none
 */
public record RateLimitConfig(Redis redis, Fallback fallback, Map<String, EnvLimits> environments) {

    /** No limits at all (a config without the section). */
    public static final RateLimitConfig NONE = new RateLimitConfig(null, Fallback.LOCAL, Map.of());

    public RateLimitConfig {
        environments = Map.copyOf(environments);
    }

    /** The limits of {@code env}; {@link EnvLimits#NONE} when it has none. */
    public EnvLimits of(String env) {
        return environments.getOrDefault(env, EnvLimits.NONE);
    }

    /** While Redis is unreachable: refuse every call that a limit applies to, or count in process on this node. */
    public enum Fallback {
        FAIL_CLOSED("fail_closed"), LOCAL("local");

        private final String id;

        Fallback(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * @param uri       {@code redis://host:port[/db]} (or {@code rediss://})
     * @param keyPrefix prefix of every key the gateway writes (several gateways may share one Redis)
     * @param timeout   how long one bucket operation may take before Redis counts as unreachable
     */
    public record Redis(URI uri, String keyPrefix, Duration timeout) {}

    /** What a limit counts calls per. */
    public enum Scope {
        PRINCIPAL("principal"), CLIENT("client"), TOOL("tool"), ENVIRONMENT("environment");

        private final String id;

        Scope(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * One token bucket: {@code limit} calls per {@code every}, refilled evenly, counted per {@code per}.
     *
     * @param id     the rule's name, in the refusal
     * @param per    what the calls are counted per
     * @param risks  the risk classes it counts (empty: all)
     * @param kinds  the principal kinds it counts (empty: all)
     * @param tools  tool-name globs it counts (empty: all)
     * @param limit  the bucket's size
     * @param every  the time in which {@code limit} tokens are refilled
     * @param where  {@code file:line} of the rule, in the refusal
     */
    public record Limit(String id, Scope per, Set<RiskClass> risks, Set<Principal.Kind> kinds, List<String> tools,
                        long limit, Duration every, String where) {
        public Limit {
            risks = Set.copyOf(risks);
            kinds = Set.copyOf(kinds);
            tools = List.copyOf(tools);
        }

        /** "60 per 1m per principal" */
        public String describe() {
            return limit + " per " + RateLimits.human(every) + " per " + per.id()
                    + (risks.isEmpty() ? "" : ", " + risks.stream().map(RiskClass::id).sorted().toList())
                    + (kinds.isEmpty() ? "" : ", " + kinds.stream().map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList())
                    + (tools.isEmpty() ? "" : ", tools " + tools);
        }
    }

    /** The loop breaker: the same tool with the same arguments from one principal more than {@code max} times within {@code within}. */
    public record Loop(long max, Duration within, String where) {}

    /** A bucket counted per principal only (new sessions). */
    public record Rate(long limit, Duration every, String where) {}

    /**
     * @param limits      the token buckets, in file order
     * @param loop        the loop breaker, or null
     * @param concurrency calls one principal may have in flight at once on one node; 0 = no limit
     * @param newSessions new MCP sessions one principal may open, or null
     */
    public record EnvLimits(List<Limit> limits, Loop loop, int concurrency, Rate newSessions) {
        public static final EnvLimits NONE = new EnvLimits(List.of(), null, 0, null);

        public EnvLimits {
            limits = List.copyOf(limits);
        }

        /** Whether a bucket counts every call of a principal (C6.3 readiness: "every environment has per-principal limits"). */
        public boolean perPrincipal() {
            return limits.stream().anyMatch(l -> l.per() == Scope.PRINCIPAL);
        }
    }
}
