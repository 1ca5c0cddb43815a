package io.portcullis.ratelimit;

import io.github.bucket4j.TimeMeter;
import io.portcullis.call.GatewayException;
import io.portcullis.catalog.Globs;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.identity.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's rate limiter (#14 item 3, C6.3), one per gateway, living across config reloads
 * ({@link #apply}). For each call, in this order: the loop breaker (the same tool with the same
 * arguments from one principal), every token bucket whose filters match the call, then the
 * principal's concurrency limit. A refusal is a {@link GatewayException.Refused} of the control
 * {@code rate-limit} naming the rule and the limit, with the seconds until a retry may pass. A
 * refused call has already taken its tokens from the buckets checked before the one that refused.
 * <p>
 * With {@code rate_limits.redis} the buckets are shared by every node in Redis; while Redis cannot
 * be reached the configured fallback applies ({@code on_redis_down}): {@code fail_closed} refuses,
 * {@code local} counts on this node until Redis answers again. The concurrency limit is per node.
 */
public final class RateLimits implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);
    public static final String CONTROL = "rate-limit";

    private final LocalBuckets local;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private volatile RateLimitConfig config = RateLimitConfig.NONE;
    private volatile Buckets redis;
    private final Function<RateLimitConfig.Redis, Buckets> redisBuckets;
    private volatile boolean redisDown;

    /** A limiter whose in-process buckets run on the system's monotonic clock. */
    public RateLimits() {
        this(TimeMeter.SYSTEM_NANOTIME);
    }

    /** @param time the clock of the in-process buckets (tests move their own) */
    public RateLimits(TimeMeter time) {
        this(time, RedisBuckets::new);
    }

    /** @param redisBuckets how the buckets in Redis are reached (the measurement {@code RedisLimitCpuTime} compares two) */
    RateLimits(TimeMeter time, Function<RateLimitConfig.Redis, Buckets> redisBuckets) {
        this.local = new LocalBuckets(time);
        this.redisBuckets = redisBuckets;
    }

    /** Applies a (re)loaded config: buckets in process keep their counts; a changed Redis setting reconnects. */
    public synchronized void apply(RateLimitConfig next) {
        RateLimitConfig old = config;
        if (!Objects.equals(old.redis(), next.redis())) {
            Buckets r = redis;
            redis = next.redis() == null ? null : redisBuckets.apply(next.redis());
            redisDown = false;
            if (r != null) {
                r.close();
            }
        }
        config = next;
    }

    /** The config in force. */
    public RateLimitConfig config() {
        return config;
    }

    /** Whether the last attempt to reach Redis failed (the fallback applies meanwhile). */
    public boolean redisDown() {
        return redisDown;
    }

    /** A call admitted; closing it ends its share of the principal's concurrency. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private static final Permit NOTHING = () -> {};

    /**
     * Decides one {@code tools/call}.
     *
     * @throws GatewayException.Refused naming the loop breaker, the limit or the concurrency limit
     */
    public Permit admit(Principal principal, String env, ToolEntry tool, JsonNode arguments) throws GatewayException.Refused {
        RateLimitConfig.EnvLimits limits = config.of(env);
        String who = principalKey(principal);
        // the loop breaker first, then every matching limit in config order: all taken in one go
        // (one round trip on Redis, #20), stopping at the first bucket that has no token
        List<Buckets.Take> takes = new ArrayList<>(limits.limits().size() + 1);
        List<RateLimitConfig.Limit> which = new ArrayList<>(limits.limits().size() + 1);
        if (limits.loop() != null) {
            RateLimitConfig.Loop loop = limits.loop();
            takes.add(new Buckets.Take(env + ":loop:" + loop.max() + "/" + loop.within().toMillis() + ":"
                    + Keys.hash(who + "\n" + tool.name() + "\n" + Keys.canonical(arguments)), loop.max(), loop.within(), "loop"));
            which.add(null);
        }
        for (RateLimitConfig.Limit l : limits.limits()) {
            if (applies(l, principal, tool)) {
                String key = env + ":" + l.id() + ":" + l.limit() + "/" + l.every().toMillis() + ":" + Keys.hash(scope(l, who, principal, tool));
                takes.add(new Buckets.Take(key, l.limit(), l.every(), l.id()));
                which.add(l);
            }
        }
        Buckets.Outcome o = takes.isEmpty() ? Buckets.Outcome.PASSED : takeAll(takes);
        if (o.refused() >= 0) {
            RateLimitConfig.Limit l = which.get(o.refused());
            if (l == null) {
                RateLimitConfig.Loop loop = limits.loop();
                throw refused("loop breaker: " + tool.name() + " was called with the same arguments more than " + loop.max()
                        + " times within " + human(loop.within()) + " by " + principal.subject() + " in " + env
                        + " (rule 'loop', rate_limits.environments." + env + ".loop)", o.waitNanos(), "loop");
            }
            throw refused("rate limit '" + l.id() + "' (" + l.describe() + ") reached for " + subjectOf(l, principal, tool)
                    + " in " + env, o.waitNanos(), l.id());
        }
        if (limits.concurrency() <= 0) {
            return NOTHING;
        }
        String key = env + "\n" + who;
        AtomicInteger n = inFlight.computeIfAbsent(key, k -> new AtomicInteger());
        if (n.incrementAndGet() > limits.concurrency()) {
            release(key, n);
            throw refused("concurrency limit: " + principal.subject() + " already has " + limits.concurrency()
                    + " calls in flight in " + env + " (rule 'concurrency', rate_limits.environments." + env
                    + ".concurrency_per_principal: " + limits.concurrency() + ")", Duration.ofSeconds(1).toNanos(), "concurrency");
        }
        return () -> release(key, n);
    }

    /**
     * Decides a new MCP session of {@code principal} in {@code env} ({@code new_sessions}).
     *
     * @return 0 when it may be opened, else the seconds until one may
     */
    public long newSession(Principal principal, String env) {
        RateLimitConfig.Rate r = config.of(env).newSessions();
        if (r == null) {
            return 0;
        }
        try {
            long wait = take(env + ":sessions:" + r.limit() + "/" + r.every().toMillis() + ":" + Keys.hash(principalKey(principal)),
                    r.limit(), r.every(), "new_sessions");
            return wait == 0 ? 0 : seconds(wait);
        } catch (GatewayException.Refused e) {
            return e.retryAfterSeconds();
        }
    }

    private void release(String key, AtomicInteger n) {
        if (n.decrementAndGet() <= 0) {
            inFlight.remove(key, n); // a racing call that already holds n keeps counting on it; a new one gets a new counter
        }
    }

    /** Takes a token from the shared bucket, or applies the fallback while Redis is unreachable. */
    private long take(String key, long capacity, Duration period, String rule) throws GatewayException.Refused {
        Buckets.Outcome o = takeAll(List.of(new Buckets.Take(key, capacity, period, rule)));
        return o.refused() < 0 ? 0 : o.waitNanos();
    }

    /** Takes a token from each shared bucket in order (one round trip), or applies the fallback while Redis is unreachable. */
    private Buckets.Outcome takeAll(List<Buckets.Take> takes) throws GatewayException.Refused {
        Buckets r = redis;
        if (r == null) {
            return local.takeAll(takes);
        }
        try {
            Buckets.Outcome o = r.takeAll(takes);
            if (redisDown) {
                redisDown = false;
                LOG.info("rate limits: Redis answers again; limits are shared by every node");
            }
            return o;
        } catch (RuntimeException e) {
            if (!redisDown) {
                redisDown = true;
                LOG.warn("rate limits: Redis at {} is unreachable ({}); on_redis_down: {}", config.redis().uri(), e.toString(),
                        config.fallback().id());
            }
            if (config.fallback() == RateLimitConfig.Fallback.LOCAL) {
                return local.takeAll(takes);
            }
            throw new GatewayException.Refused(CONTROL, "the shared rate-limit store (Redis) is unreachable, so calls that a "
                    + "rate limit applies to are refused until it is back (rule '" + takes.get(0).rule() + "'; rate_limits.on_redis_down: "
                    + "fail_closed); retry after 1 s", 1, takes.get(0).rule());
        }
    }

    private static GatewayException.Refused refused(String why, long waitNanos, String rule) {
        long s = seconds(waitNanos);
        return new GatewayException.Refused(CONTROL, why + "; retry after " + s + " s", s, rule);
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private static boolean applies(RateLimitConfig.Limit l, Principal p, ToolEntry tool) {
        return (l.risks().isEmpty() || l.risks().contains(tool.risk()))
                && (l.kinds().isEmpty() || l.kinds().contains(p.kind()))
                && (l.tools().isEmpty() || l.tools().stream().anyMatch(g -> Globs.matches(g, tool.name())));
    }

    private static String scope(RateLimitConfig.Limit l, String who, Principal p, ToolEntry tool) {
        return switch (l.per()) {
            case PRINCIPAL -> who;
            case CLIENT -> "client\n" + Objects.requireNonNullElse(p.clientId(), "-");
            case TOOL -> "tool\n" + tool.name();
            case ENVIRONMENT -> "environment";
        };
    }

    private static String subjectOf(RateLimitConfig.Limit l, Principal p, ToolEntry tool) {
        return switch (l.per()) {
            case PRINCIPAL -> p.subject();
            case CLIENT -> "client " + Objects.requireNonNullElse(p.clientId(), "(none)");
            case TOOL -> "tool " + tool.name();
            case ENVIRONMENT -> "every caller";
        };
    }

    /** One caller: subjects are unique per issuer (Principal). */
    private static String principalKey(Principal p) {
        return Objects.requireNonNullElse(p.issuer(), "-") + "\n" + p.subject() + "\n" + p.kind();
    }

    /** "1h", "1m", "10s", "500ms": the config's own words. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    @Override
    public synchronized void close() {
        Buckets r = redis;
        redis = null;
        if (r != null) {
            r.close();
        }
    }
}
