package io.portcullis.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downstream protection of one upstream (#14 item 1, checklist C6.1): its bulkhead, its circuit
 * breaker and its retry policy, all Resilience4j, composed here in this order:
 *
 * <pre>  tool bulkhead → upstream bulkhead → retry (read_only only, budgeted) → [ready?] → breaker → the attempt</pre>
 *
 * Why this order:
 * <ul>
 *   <li>the bulkheads are outermost, so a call holds its slots through all its attempts and the
 *       backoff between them: retries can never put more calls on the upstream at once than its
 *       {@code max_concurrent}. The tool's own bulkhead comes first, so a tool at capacity is refused
 *       without taking one of the upstream's slots from the other tools;</li>
 *   <li>the breaker is inside the retry, so that every attempt is one sample of the upstream's
 *       health, and an open breaker ends the retries at once (its refusal is never retried);</li>
 *   <li>the retry budget is spent only when a retry actually happens, so it caps the extra load;</li>
 *   <li>whether the upstream is connected at all ({@code ready}) is asked before the breaker: a call
 *       that finds it down or restarting is refused at once by its supervisor's state (with its own
 *       retry-after), was never sent, and says nothing new about the upstream's health. Counting it
 *       would keep the breaker open for {@code open_for} after the upstream is back. A
 *       {@code read_only} call that finds it restarting may still be retried.</li>
 * </ul>
 * Which failures count is the caller's ({@link Outcomes}): the upstream package knows its
 * exceptions; this one knows only the order and the rules.
 */
public final class Protection {
    private static final Logger LOG = LoggerFactory.getLogger(Protection.class);

    /** One attempt of the call. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run() throws E;
    }

    /** How the caller's failures are judged. */
    public interface Outcomes {
        /** Whether {@code e} says the upstream failed (transport error, timeout, 5xx, down): the breaker records it. */
        boolean failure(Throwable e);

        /** Whether {@code e} says the upstream did not serve the call, so a {@code read_only} call may be sent again. */
        boolean retryable(Throwable e);
    }

    private final String upstream;
    private final ProtectionConfig config;
    private final Admission bulkhead;
    private final Map<String, Admission> toolBulkheads = new ConcurrentHashMap<>();
    private final CircuitBreaker breaker;
    private final RetryBudget budget;
    private final Outcomes outcomes;
    private final Duration openFor;
    private volatile long openedAt;
    private volatile BreakerListener onOpen = (u, fr, sr, ms) -> { };

    /** #15 item 5: told when the breaker opens (the owner's on-call webhook is notified); must not block. */
    @FunctionalInterface
    public interface BreakerListener {
        void opened(String upstream, float failureRate, float slowCallRate, long openForMillis);
    }

    public Protection(String upstream, AdmissionConfig bulkhead, ProtectionConfig config, Duration timeout, Outcomes outcomes) {
        this.upstream = upstream;
        this.config = config;
        this.outcomes = outcomes;
        this.bulkhead = Admission.of("upstream " + upstream, "bulkhead", bulkhead);
        BreakerSettings b = config.breaker();
        this.openFor = b.openFor();
        Duration slow = b.slowCall() != null ? b.slowCall() : timeout;
        this.breaker = CircuitBreaker.of("upstream " + upstream, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.window())
                .minimumNumberOfCalls(Math.min(b.minCalls(), b.window()))
                .failureRateThreshold(b.failureRate())
                .slowCallRateThreshold(b.slowCallRate())
                .slowCallDurationThreshold(slow)
                .waitDurationInOpenState(b.openFor())
                .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
                // no timer: the first call after open_for moves it to half-open
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(outcomes::failure)
                .build());
        this.breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State to = e.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                openedAt = System.nanoTime();
                CircuitBreaker.Metrics m = breaker.getMetrics();
                LOG.warn("upstream {}: circuit breaker OPEN (failure rate {}%, slow-call rate {}% over the last {} calls); "
                                + "calls are refused for {} ms, then {} probe calls decide", upstream, m.getFailureRate(),
                        m.getSlowCallRate(), m.getNumberOfBufferedCalls(), openFor.toMillis(), b.halfOpenCalls());
                try {
                    onOpen.opened(upstream, m.getFailureRate(), m.getSlowCallRate(), openFor.toMillis());
                } catch (RuntimeException x) {
                    LOG.warn("upstream {}: breaker-open listener failed: {}", upstream, x.toString());
                }
            } else {
                LOG.info("upstream {}: circuit breaker {}", upstream, to);
            }
        });
        RetrySettings r = config.retry();
        this.budget = new RetryBudget(r.budgetPercent(), r.budgetWindow(), r.budgetMin(), System::nanoTime);
    }

    /** #15 item 5: sets who is told when the breaker opens. */
    public void onBreakerOpen(BreakerListener listener) {
        this.onOpen = listener;
    }

    public ProtectionConfig config() {
        return config;
    }

    /** The breaker's state: {@code closed}, {@code open}, {@code half_open} (or {@code disabled}). */
    public String breakerState() {
        if (!config.breaker().enabled()) {
            return "disabled";
        }
        return breaker.getState().name().toLowerCase();
    }

    /** Whether calls are refused now because the breaker is open. */
    public boolean breakerOpen() {
        return config.breaker().enabled() && breaker.getState() == CircuitBreaker.State.OPEN;
    }

    /** Seconds until an open breaker lets a probe through (at least 1). */
    public long retryAfterSeconds() {
        long left = openFor.toNanos() - (System.nanoTime() - openedAt);
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    /** Calls of clients running on this upstream now (its bulkhead's slots in use). */
    public int inFlight() {
        return bulkhead.inFlight();
    }

    /**
     * Runs one call under the tool's and the upstream's bulkheads, the retry policy and the breaker.
     *
     * @param timeout the call's timeout: how long it may wait for a bulkhead slot
     * @throws Overloaded a bulkhead is full (control {@code bulkhead}) or the breaker is open (control {@code breaker})
     * @throws E          the attempt's own failure, after the retries the policy allows
     */
    public <T, E extends Exception> T call(ToolCall call, Duration timeout, Attempt<Void, E> ready, Attempt<T, E> attempt)
            throws E, Overloaded {
        try (Admission.Permit tool = toolPermit(call, timeout); Admission.Permit up = bulkhead.enter()) {
            budget.called();
            if (!call.readOnly() || !config.retry().retries()) {
                ready.run();
                return guarded(attempt); // never retried: a state-changing or irreversible tool, or a non-tool request
            }
            return retried(call, ready, attempt);
        }
    }

    /** {@link #call(ToolCall, Duration, Attempt, Attempt)} for an upstream that is always ready (tests). */
    public <T, E extends Exception> T call(ToolCall call, Duration timeout, Attempt<T, E> attempt) throws E, Overloaded {
        return call(call, timeout, () -> null, attempt);
    }

    private Admission.Permit toolPermit(ToolCall call, Duration timeout) throws Overloaded {
        if (call.bulkhead() == null || call.tool() == null) {
            return () -> { };
        }
        AdmissionConfig c = call.bulkhead().withMaxWait(timeout);
        Admission a = toolBulkheads.compute(call.tool(), (k, old) -> old != null && old.config().equals(c) ? old
                : Admission.of("tool " + k, "bulkhead", c));
        return a.enter();
    }

    /**
     * A read_only call under the retry policy. The first attempt runs without any retry state: most
     * calls are answered at once, and building a Resilience4j {@link Retry} for every call cost each
     * call allocations and CPU at peak (#12, the stdio peak rows). The retry is built only when the
     * first attempt failed, and then behaves exactly as if it had been there from the start.
     */
    @SuppressWarnings("unchecked")
    private <T, E extends Exception> T retried(ToolCall call, Attempt<Void, E> ready, Attempt<T, E> attempt) throws E, Overloaded {
        Exception failed;
        try {
            ready.run();
            return guarded(attempt);
        } catch (Exception e) {
            failed = e;
        }
        RetrySettings r = config.retry();
        AtomicInteger attempts = new AtomicInteger(1);
        Predicate<Throwable> again = e -> attempts.get() < r.maxAttempts() && outcomes.retryable(e) && budget.tryRetry();
        Retry retry = Retry.of("upstream " + upstream, RetryConfig.custom()
                .maxAttempts(r.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(r.backoff(), 2.0, 0.5, r.maxBackoff()))
                .retryOnException(again)
                .build());
        Retry.Context<T> ctx = retry.context();
        while (true) {
            try {
                ctx.onError(failed); // waits the backoff when it retries, else throws
            } catch (RuntimeException | Error x) {
                throw x;
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt(); // stopped during the backoff: the last failure stands
                throw (E) failed;
            } catch (Exception x) {
                throw (E) x; // the attempt's own E, or Overloaded (an open breaker is never retried)
            }
            LOG.info("upstream {}: retrying {} (attempt {} of {}): {}", upstream, call.tool(), attempts.get() + 1,
                    r.maxAttempts(), failed.getMessage());
            attempts.incrementAndGet();
            try {
                ready.run();
                T result = guarded(attempt);
                ctx.onComplete();
                LOG.info("upstream {}: {} succeeded on attempt {}", upstream, call.tool(), attempts.get());
                return result;
            } catch (Exception e) {
                failed = e;
            }
        }
    }

    /** One attempt under the breaker: refused at once while it is open; its outcome and duration recorded. */
    private <T, E extends Exception> T guarded(Attempt<T, E> attempt) throws E, Overloaded {
        if (!config.breaker().enabled()) {
            return attempt.run();
        }
        if (!breaker.tryAcquirePermission()) {
            long after = breaker.getState() == CircuitBreaker.State.OPEN ? retryAfterSeconds() : 1;
            throw new Overloaded("breaker", "upstream " + upstream + " is failing: its circuit breaker is open and calls "
                    + "are refused without being sent; it will be tried again in " + after + " s", (int) after);
        }
        long start = System.nanoTime();
        try {
            T result = attempt.run();
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (Exception | Error e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw e;
        }
    }
}
